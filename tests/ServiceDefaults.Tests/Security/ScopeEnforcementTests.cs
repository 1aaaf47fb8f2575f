using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contracts.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDefaults.Security;

namespace ServiceDefaults.Tests.Security;

/// <summary>
/// An endpoint that requires a scope, on a real Kestrel server on 127.0.0.1 with the platform's defaults: 401 as problem
/// details without a credential or with a bad one (malformed, unknown, expired), 403 with a valid key that lacks the
/// scope, 200 with one that has it (as <c>Authorization: Bearer</c> or <c>X-Api-Key</c>); everything passes when
/// security is turned off.
/// </summary>
public sealed class ScopeEnforcementTests
{
    [Fact]
    public async Task A_scoped_endpoint_answers_401_without_a_good_key_403_without_the_scope_and_200_with_it()
    {
        var clock = new ManualClock();
        var (predictorId, predictor) = ApiKeySecret.Create();
        var (readerId, reader) = ApiKeySecret.Create();
        var (expiredId, expired) = ApiKeySecret.Create();
        await using var service = await StartAsync(enabled: true, clock, new ApiKeysChanged(
        [
            new ApiKeyEntry(predictorId, ApiKeySecret.Hash(predictor), [Scopes.Predict], null),
            new ApiKeyEntry(readerId, ApiKeySecret.Hash(reader), [Scopes.Read], null),
            new ApiKeyEntry(expiredId, ApiKeySecret.Hash(expired), [Scopes.Predict], clock.Now),
        ], clock.Now));

        await AssertProblemAsync(await service.Client.PostAsync(new Uri("/predict", UriKind.Relative), null), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await SendAsync(service, "Authorization", "Bearer mlp_not-a-key"), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await SendAsync(service, "Authorization", $"Bearer {ApiKeySecret.Create().Key}"), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await SendAsync(service, "X-Api-Key", expired), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await SendAsync(service, "Authorization", $"Bearer {reader}"), HttpStatusCode.Forbidden);

        using var byBearer = await SendAsync(service, "Authorization", $"Bearer {predictor}");
        using var byHeader = await SendAsync(service, "X-Api-Key", predictor);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (byBearer.StatusCode, byHeader.StatusCode));
        Assert.Equal($"key:{predictorId}", await byBearer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_security_turned_off_a_scoped_endpoint_answers_anyone()
    {
        await using var service = await StartAsync(enabled: false, new ManualClock(), new ApiKeysChanged([], DateTimeOffset.UnixEpoch));

        using var answer = await service.Client.PostAsync(new Uri("/predict", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        }
    }

    private static Task<HttpResponseMessage> SendAsync(Service service, string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/predict", UriKind.Relative));
        request.Headers.TryAddWithoutValidation(header, value);
        return service.Client.SendAsync(request);
    }

    private static async Task<Service> StartAsync(bool enabled, TimeProvider clock, ApiKeysChanged keys)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Security:Enabled"] = enabled ? "true" : "false" });
        builder.Services.AddSingleton(clock);
        builder.AddServiceDefaults();
        builder.AddPlatformSecurity();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPost("/predict", (HttpContext context) => Results.Text(context.User.FindFirst("sub")?.Value ?? "anonymous")).RequireScope(Scopes.Predict);
        app.Services.GetRequiredService<ApiKeyDirectory>().Update(keys);
        await app.StartAsync();
        return new Service(app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    private sealed record Service(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
