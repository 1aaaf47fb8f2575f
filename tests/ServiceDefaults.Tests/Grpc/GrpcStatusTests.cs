using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using ServiceDefaults.Grpc;

namespace ServiceDefaults.Tests.Grpc;

/// <summary>
/// A gRPC call's errors: the problem details the pipeline answers become the gRPC status a gRPC client reads, and a gRPC
/// answer's status counts in the request metrics as the HTTP status of the same outcome.
/// </summary>
public sealed class GrpcStatusTests
{
    [Theory]
    [InlineData(401, 16)]
    [InlineData(403, 7)]
    [InlineData(404, 12)]
    [InlineData(413, 8)]
    [InlineData(429, 8)]
    [InlineData(503, 14)]
    [InlineData(504, 4)]
    public async Task A_problem_of_a_gRPC_call_is_written_as_its_gRPC_status_with_no_body(int status, int code)
    {
        var context = Call("application/grpc");
        context.Response.StatusCode = status;
        var writer = new GrpcStatusProblemWriter();
        var problem = new ProblemDetailsContext { HttpContext = context, ProblemDetails = new ProblemDetails { Status = status, Title = "Too many requests", Detail = "Used up: 100% (RateLimits:X)." } };

        Assert.True(writer.CanWrite(problem));
        await writer.WriteAsync(problem);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("application/grpc", context.Response.ContentType);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), context.Response.Headers["grpc-status"].ToString());
        // Percent-encoded as the gRPC spec asks: '%' and bytes outside printable ASCII.
        Assert.Equal("Too many requests: Used up: 100%25 (RateLimits:X).", context.Response.Headers["grpc-message"].ToString());
        Assert.Equal(0, context.Response.Body.Length);
    }

    [Fact]
    public async Task A_401_without_detail_says_how_to_send_the_key_and_a_403_names_the_scope_of_the_method()
    {
        var writer = new GrpcStatusProblemWriter();
        var unauthenticated = Call("application/grpc");
        await writer.WriteAsync(new ProblemDetailsContext { HttpContext = unauthenticated, ProblemDetails = new ProblemDetails { Status = 401 } });
        var forbidden = Call("application/grpc+proto", "/inference.GRPCInferenceService/ModelInfer");
        await writer.WriteAsync(new ProblemDetailsContext { HttpContext = forbidden, ProblemDetails = new ProblemDetails { Status = 403 } });

        Assert.Equal("Unauthorized: this call needs an API key or a token: send the metadata 'authorization: Bearer <key>' or 'x-api-key: <key>'",
            Uri.UnescapeDataString(unauthenticated.Response.Headers["grpc-message"].ToString()));
        Assert.Equal("Forbidden: the credential does not have the scope 'predict' this call needs",
            Uri.UnescapeDataString(forbidden.Response.Headers["grpc-message"].ToString()));
    }

    [Fact]
    public void A_REST_request_is_left_to_the_JSON_writer()
    {
        var writer = new GrpcStatusProblemWriter();

        Assert.False(writer.CanWrite(new ProblemDetailsContext { HttpContext = Call("application/json") }));
        Assert.False(writer.CanWrite(new ProblemDetailsContext { HttpContext = Call("application/grpc-web-text-ish") }));
        Assert.False(writer.CanWrite(new ProblemDetailsContext { HttpContext = Call(null) }));
    }

    [Fact]
    public void A_gRPC_answer_counts_as_the_HTTP_status_of_its_outcome_from_its_trailers_or_its_headers()
    {
        var trailersOnly = Call("application/grpc");
        trailersOnly.Response.Headers["grpc-status"] = "8";
        var withTrailers = Call("application/grpc");
        var trailers = new HeaderDictionary { ["grpc-status"] = "5" };
        withTrailers.Features.Set<IHttpResponseTrailersFeature>(new TrailersOf(trailers));
        var ok = Call("application/grpc");
        ok.Features.Set<IHttpResponseTrailersFeature>(new TrailersOf(new HeaderDictionary { ["grpc-status"] = "0" }));
        var unavailable = Call("application/grpc");
        unavailable.Response.Headers["grpc-status"] = "14";

        Assert.Equal(429, GrpcRequests.StatusOf(trailersOnly.Response));
        Assert.Equal(404, GrpcRequests.StatusOf(withTrailers.Response));
        Assert.Equal(200, GrpcRequests.StatusOf(ok.Response));
        Assert.Equal(503, GrpcRequests.StatusOf(unavailable.Response));
    }

    private static DefaultHttpContext Call(string? contentType, string path = "/inference.GRPCInferenceService/ServerMetadata")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        context.Request.ContentType = contentType;
        context.Response.Body = new MemoryStream();
        return context;
    }

    private sealed class TrailersOf(IHeaderDictionary trailers) : IHttpResponseTrailersFeature
    {
        public IHeaderDictionary Trailers { get; set; } = trailers;
    }
}
