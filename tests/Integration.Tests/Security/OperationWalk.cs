using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Integration.Tests.Security;

/// <summary>
/// Calls every operation an OpenAPI document lists, without a credential and with a key that has every scope but the
/// operation's own, and reports each answer that is not 401 and 403. Reading the document, not a list kept by hand, is
/// the point: an endpoint added later is walked too, so it cannot be added open by mistake.
/// </summary>
public static class OperationWalk
{
    /// <summary>The public operations that need no credential: the Open Inference Protocol's health probes.</summary>
    public static readonly string[] OpenOperations = ["GET /v2/health/live", "GET /v2/health/ready"];

    private static readonly string[] AllScopes = ["predict", "feedback", "read", "admin"];

    /// <summary>One operation: its method, a path that matches its template, and the scope its security requirement names (null: none).</summary>
    public sealed record Operation(string Method, string Path, string Template, string? Scope)
    {
        public override string ToString() => $"{Method} {Template}";
    }

    /// <summary>The public operations (<c>/api</c>, <c>/v2</c>) of <paramref name="document"/>.</summary>
    public static List<Operation> OperationsOf(JsonElement document)
    {
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (!path.Name.StartsWith("/api/", StringComparison.Ordinal) && !path.Name.StartsWith("/v2", StringComparison.Ordinal))
                continue;
            foreach (var operation in path.Value.EnumerateObject().Where(member => member.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                string? scope = null;
                if (operation.Value.TryGetProperty("security", out var security))
                {
                    scope = security.EnumerateArray().SelectMany(requirement => requirement.EnumerateObject())
                        .SelectMany(scheme => scheme.Value.EnumerateArray()).Select(value => value.GetString()).FirstOrDefault();
                }

                operations.Add(new Operation(operation.Name.ToUpperInvariant(), Concrete(path.Name, operation.Value), path.Name, scope));
            }
        }

        return operations;
    }

    /// <summary>Creates, with <paramref name="admin"/> (a client sending an admin key), one key per scope that has every other scope.</summary>
    public static async Task<Dictionary<string, string>> KeysLackingEachScopeAsync(HttpClient admin)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var lacking in AllScopes)
        {
            using var created = await admin.PostAsJsonAsync(new Uri("/api/v1/keys", UriKind.Relative),
                new { name = $"all but {lacking}", scopes = AllScopes.Where(scope => scope != lacking).ToArray() });
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
            keys[lacking] = body.GetProperty("key").GetString()!;
        }

        return keys;
    }

    /// <summary>Waits until <paramref name="address"/> knows <paramref name="key"/> (an answer other than 401 and 503 to a read).</summary>
    public static async Task UntilKnownAsync(Uri address, string path, string key, Func<string, Exception> failure)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await Poll.UntilAsync(async () =>
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
                return response.StatusCode is not HttpStatusCode.Unauthorized and not HttpStatusCode.ServiceUnavailable;
            },
            Deadlines.DistributedState, $"{address} to know the new keys", failure);
    }

    /// <summary>
    /// Calls every operation in <paramref name="operations"/> on <paramref name="address"/> without a credential (401
    /// expected) and with the key lacking its scope (403 expected); returns one line per other answer.
    /// </summary>
    public static async Task<List<string>> ViolationsAsync(Uri address, IEnumerable<Operation> operations, IReadOnlyDictionary<string, string> keyLacking)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var violations = new List<string>();
        foreach (var operation in operations.Where(operation => operation.Scope is not null))
        {
            var anonymous = await SendAsync(client, operation, key: null);
            if (anonymous != HttpStatusCode.Unauthorized)
                violations.Add($"{address} {operation} without a credential: {(int)anonymous}, not 401");
            var lacking = await SendAsync(client, operation, keyLacking[operation.Scope!]);
            if (lacking != HttpStatusCode.Forbidden)
                violations.Add($"{address} {operation} with a key without '{operation.Scope}': {(int)lacking}, not 403");
        }

        return violations;
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, Operation operation, string? key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), new Uri(operation.Path, UriKind.Relative));
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (operation.Method is "POST" or "PUT" or "PATCH")
            request.Content = JsonContent.Create(new { });
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    // A path that matches the template: each parameter a value of its schema's type.
    private static string Concrete(string template, JsonElement operation)
    {
        var path = template;
        if (!operation.TryGetProperty("parameters", out var parameters))
            return path;
        foreach (var parameter in parameters.EnumerateArray().Where(parameter => parameter.GetProperty("in").GetString() == "path"))
        {
            var schema = parameter.TryGetProperty("schema", out var s) ? s : default;
            var value = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var format) && format.GetString() == "uuid"
                ? Guid.NewGuid().ToString()
                : schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var type) && type.ToString().Contains("integer", StringComparison.Ordinal)
                    ? "1"
                    : "x1";
            path = path.Replace("{" + parameter.GetProperty("name").GetString() + "}", value, StringComparison.Ordinal);
        }

        return path;
    }
}
