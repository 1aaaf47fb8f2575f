using ServiceDefaults.RateLimiting;

namespace ServiceDefaults.Tests.RateLimiting;

/// <summary>The gateway's table: the kind of each rate-limited operation by method and path, and none for every other request.</summary>
public sealed class RateLimitedOperationsTests
{
    [Theory]
    [InlineData("POST", "/api/v1/models/flights/predict", "predictions")]
    [InlineData("POST", "/v2/models/flights/infer", "predictions")]
    [InlineData("POST", "/v2/models/flights/versions/3/infer", "predictions")]
    [InlineData("POST", "/api/v1/feedback", "feedback")]
    [InlineData("POST", "/api/v1/feedback/", "feedback")]
    [InlineData("POST", "/api/v1/models/flights/versions", "uploads")]
    [InlineData("PUT", "/api/v1/models/flights/versions/3/reference", "uploads")]
    [InlineData("PUT", "/api/v1/models/flights/training-dataset", "uploads")]
    [InlineData("POST", "/api/v1/models/flights/batches", "uploads")]
    [InlineData("post", "/API/V1/Models/Flights/Predict", "predictions")]
    public void A_rate_limited_operation_has_its_kind(string method, string path, string kind) =>
        Assert.Equal(kind, RateLimitedOperations.KindOf(method, path));

    [Theory]
    [InlineData("GET", "/api/v1/models/flights/predict")]
    [InlineData("GET", "/v2/models/flights")]
    [InlineData("GET", "/api/v1/feedback/stats")]
    [InlineData("GET", "/api/v1/models/flights/batches")]
    [InlineData("DELETE", "/api/v1/models/flights/batches/1")]
    [InlineData("POST", "/api/v1/models/flights/batches/1/results")]
    [InlineData("DELETE", "/api/v1/models/flights/versions/3")]
    [InlineData("DELETE", "/api/v1/models/flights/training-dataset")]
    [InlineData("POST", "/api/v1/models/flights/rollouts")]
    [InlineData("POST", "/api/v1/keys")]
    [InlineData("POST", "/api/v1/models//predict")]
    [InlineData("POST", "/health/live")]
    public void Any_other_request_has_none(string method, string path) =>
        Assert.Null(RateLimitedOperations.KindOf(method, path));
}
