using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using ServiceDefaults.Grpc;

namespace ServiceDefaults.Metrics;

/// <summary>
/// Records every request into the <see cref="RequestMetricsRecorder"/>: the service and route template of the
/// matched endpoint (<see cref="EndpointAttribution"/>), the <c>model</c> route value, the model version the
/// endpoint reported (<see cref="ModelVersionReporting"/>; a gRPC method reports the model too; an endpoint that counts
/// itself says so and is left out), the status (for a gRPC
/// call, the HTTP status its grpc-status stands for) and the duration. Probes and scrapes
/// (<c>/health/*</c>, <c>/alive</c>, <c>/metrics</c>) are not requests anyone waits for and are skipped. It runs
/// first in the pipeline, so the status it sees is the one the client got (after the problem-details handler).
/// </summary>
public sealed class RequestMetricsMiddleware(RequestDelegate next, RequestMetricsRecorder recorder, EndpointAttribution attribution)
{
    private const string ModelRouteValue = "model";
    private static readonly PathString[] SkippedPrefixes = [new(HealthCheckExtensions.HealthPathPrefix), new("/alive"), new(TelemetryExtensions.MetricsPath)];

    /// <summary>Runs the rest of the pipeline and records the request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsSkipped(context.Request.Path))
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        // Routing ran before this middleware; read the match now, because the exception handler clears it
        // when it re-executes the pipeline for an error.
        var endpoint = context.GetEndpoint();
        var model = context.Request.RouteValues.TryGetValue(ModelRouteValue, out var value) ? value as string : null;
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            // A gRPC answer is HTTP 200 whatever happened: its outcome is its grpc-status.
            status = GrpcRequests.IsGrpc(context.Request) ? GrpcRequests.StatusOf(context.Response) : context.Response.StatusCode;
        }
        finally
        {
            if (!context.Items.ContainsKey(ModelVersionReporting.CountedItemKey))
                Record(context, endpoint, model, status, started);
        }
    }

    private void Record(HttpContext context, Endpoint? endpoint, string? model, int status, long started)
    {
        var identity = attribution.Of(endpoint ?? context.GetEndpoint());
        recorder.Record(identity.Service, identity.Route, model ?? context.ReportedModel(), context.ReportedModelVersion(), status, Stopwatch.GetElapsedTime(started));
    }

    private static bool IsSkipped(PathString path)
    {
        foreach (var prefix in SkippedPrefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                return true;
        }

        return false;
    }
}
