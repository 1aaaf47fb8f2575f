using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceDefaults;

namespace Integration.Tests;

/// <summary>
/// Errors reach clients as RFC 9457 problem details with the platform's types, even in Development where
/// ASP.NET Core would otherwise show its developer exception page.
/// </summary>
public sealed class ProblemDetailsTests : IAsyncLifetime, IDisposable
{
    private const string SecretInExceptionMessage = "connection string Password=hunter2";

    private WebApplication? _app;
    private HttpClient? _client;

    private HttpClient Client => _client ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();

        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapGet("/fails", string () => throw new InvalidOperationException(SecretInExceptionMessage));
        _app.MapGet("/invalid", () => TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["distance"] = ["must be a positive number"],
        }));
        _app.MapPost("/echo", (Dictionary<string, int> body) => TypedResults.Ok(body));
        await _app.StartAsync();
        TestKeys.Trust(_app.Services);

        _client = TestKeys.Authorized(new HttpClient { BaseAddress = new Uri(_app.Urls.First()) });
    }

    [Fact]
    public async Task An_unhandled_exception_is_a_500_problem_without_exception_details()
    {
        using var response = await Client.GetAsync(new Uri("/fails", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(ProblemTypes.InternalError, problem.GetProperty("type").GetString());
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.Equal("/fails", problem.GetProperty("instance").GetString());
        Assert.Equal(32, problem.GetProperty("traceId").GetString()?.Length);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        using var response = await Client.GetAsync(new Uri("/no-such-thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ProblemTypes.NotFound, problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_validation_problem_names_the_field_under_the_validation_type()
    {
        using var response = await Client.GetAsync(new Uri("/invalid", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ProblemTypes.ValidationFailed, problem.GetProperty("type").GetString());
        Assert.Equal("must be a positive number", problem.GetProperty("errors").GetProperty("distance")[0].GetString());
    }

    [Fact]
    public async Task A_malformed_body_is_a_400_problem()
    {
        using var content = new StringContent("{\"distance\": \"far\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri("/echo", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ProblemTypes.BadRequest, problem.GetProperty("type").GetString());
    }

    public void Dispose() => _client?.Dispose();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
