using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults.Grpc;

namespace ServiceDefaults;

/// <summary>
/// Every error a client sees is an RFC 9457 problem details object with a type from
/// <see cref="ProblemTypes"/>, the request path as <c>instance</c> and the trace id: unhandled exceptions
/// (500, or the status of a <see cref="BadHttpRequestException"/>), empty 4xx/5xx responses (404 for an
/// unknown route, 405, ...) and <c>TypedResults.Problem</c>/<c>ValidationProblem</c> from handlers.
/// </summary>
internal static class ProblemDetailsExtensions
{
    // ASP.NET Core fills in RFC 9110 section links as types; those are replaced by the platform's own.
    private const string FrameworkDefaultTypePrefix = "https://tools.ietf.org/";

    internal static IHostApplicationBuilder AddDefaultProblemDetails(this IHostApplicationBuilder builder)
    {
        // Before the default JSON writer, which would answer a gRPC call too: a gRPC client reads a status, not a body.
        builder.Services.AddSingleton<IProblemDetailsWriter, GrpcStatusProblemWriter>();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Customize);
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = exception => exception is BadHttpRequestException badRequest
                ? badRequest.StatusCode
                : StatusCodes.Status500InternalServerError);
        return builder;
    }

    internal static WebApplication UseDefaultProblemDetails(this WebApplication app)
    {
        // Added inside the developer exception page that WebApplication adds in Development, so that page
        // (and its stack traces) never sees an exception: clients get the same answer in every environment.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;

        if (problem.Type is null or "about:blank" || problem.Type.StartsWith(FrameworkDefaultTypePrefix, StringComparison.Ordinal))
        {
            problem.Type = problem is HttpValidationProblemDetails ? ProblemTypes.ValidationFailed : ProblemTypes.ForStatus(status);
        }

        problem.Instance ??= context.HttpContext.Request.Path;
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToHexString() ?? context.HttpContext.TraceIdentifier;

        if (context.Exception is { } exception)
        {
            // The framework's messages for malformed requests are written for clients; anything else may
            // reveal internals and stays in the logs.
            problem.Detail = exception is BadHttpRequestException ? exception.Message : null;
            problem.Extensions.Remove("exception");
        }
    }
}
