using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integration.Tests.Gateway;

/// <summary>
/// One Gateway process in front of FeatureBuilder and Inference stand-ins that serve their OpenAPI documents, with
/// FeedbackCollector down; shared by the tests of <see cref="PublicApiDocumentTests"/>, which only read.
/// </summary>
public sealed class PublicDocumentGateway : IAsyncLifetime
{
    internal UpstreamService FeatureBuilder { get; private set; } = null!;

    internal UpstreamService Inference { get; private set; } = null!;

    internal ServiceProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        FeatureBuilder = await UpstreamService.StartAsync("featurebuilder", PublicApiDocumentTests.FeatureBuilderDocument());
        Inference = await UpstreamService.StartAsync("inference", PublicApiDocumentTests.InferenceDocument());
        // FeedbackCollector is down: the document still answers with what is reachable.
        Gateway = await ProxiedGateway.StartAsync(
            FeatureBuilder.Address, Inference.Address, Inference.Address, ProxiedGateway.DeadAddress(),
            new Dictionary<string, string>
            {
                // A stand-in held up by a busy machine would otherwise be left out of the document (3 s by default);
                // how long the gateway waits is not what these tests are about.
                ["Gateway__UpstreamDocumentTimeout"] = "00:00:30",
                // Built once for the whole class: the test of the cache must not straddle its expiry.
                ["Gateway__PublicDocumentCacheDuration"] = "01:00:00",
            });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await FeatureBuilder.DisposeAsync();
        await Inference.DisposeAsync();
    }
}

/// <summary>
/// The gateway's <c>/openapi/public.json</c> merges the documents of the services behind it (public paths
/// only) and <c>/scalar</c> shows it.
/// </summary>
public sealed class PublicApiDocumentTests(PublicDocumentGateway platform) : IClassFixture<PublicDocumentGateway>
{
    private ServiceProcess Gateway => platform.Gateway;

    [Fact]
    public async Task The_public_document_merges_the_public_paths_of_every_reachable_service()
    {
        var document = await GetPublicDocumentAsync();

        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ML platform public API", document["info"]!["title"]!.GetValue<string>());
        Assert.Equal("/", document["servers"]![0]!["url"]!.GetValue<string>());
        Assert.Equal(
            ["/api/v1/models/{model}", "/v2/models/{model}", "/v2/models/{model}/infer"],
            document["paths"]!.AsObject().Select(path => path.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["Models", "Open Inference Protocol"], document["tags"]!.AsArray().Select(tag => tag!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_public_document_keeps_only_the_schemas_public_paths_use_and_renames_a_clashing_one()
    {
        var document = await GetPublicDocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();

        // HealthReport and Unused are used by no public path; ProblemDetails is the same in both documents.
        Assert.Equal(
            ["FieldDescription", "InferenceRequest", "ModelDescription", "ModelDescription_inference", "ProblemDetails"],
            schemas.Select(schema => schema.Key).Order(StringComparer.Ordinal));
        Assert.NotNull(schemas["ModelDescription"]!["properties"]!["fields"]);
        Assert.NotNull(schemas["ModelDescription_inference"]!["properties"]!["platform"]);
        Assert.Equal("#/components/schemas/ModelDescription", ResponseSchemaRef(document, "/api/v1/models/{model}"));
        Assert.Equal("#/components/schemas/ModelDescription_inference", ResponseSchemaRef(document, "/v2/models/{model}"));
    }

    [Fact]
    public async Task The_public_document_is_reused_for_a_while_instead_of_fetched_on_every_request()
    {
        await GetPublicDocumentAsync();
        var fetched = platform.FeatureBuilder.DocumentRequests;
        await GetPublicDocumentAsync();

        Assert.True(fetched >= 1, "The FeatureBuilder document was never fetched.");
        Assert.Equal(fetched, platform.FeatureBuilder.DocumentRequests);
    }

    [Fact]
    public async Task The_API_reference_is_an_HTML_page_showing_the_public_document()
    {
        using var response = await Gateway.Client.GetAsync(new Uri("/scalar", UriKind.Relative));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/public.json", page, StringComparison.Ordinal);
    }

    private async Task<JsonObject> GetPublicDocumentAsync()
    {
        using var response = await Gateway.Client.GetAsync(new Uri("/openapi/public.json", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw Gateway.Failure($"/openapi/public.json answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static string? ResponseSchemaRef(JsonObject document, string path) =>
        document["paths"]![path]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();

    internal static JsonObject FeatureBuilderDocument() => Parse("""
        {
          "openapi": "3.1.1",
          "info": { "title": "FeatureBuilder | v1", "version": "1.0.0" },
          "paths": {
            "/api/v1/models/{model}": {
              "get": {
                "tags": [ "Models" ],
                "responses": {
                  "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ModelDescription" } } } },
                  "404": { "description": "Not Found", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } } }
                }
              }
            },
            "/health/ready": {
              "get": {
                "tags": [ "Health" ],
                "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/HealthReport" } } } } }
              }
            }
          },
          "components": {
            "schemas": {
              "ModelDescription": { "type": "object", "properties": { "name": { "type": "string" }, "fields": { "type": "array", "items": { "$ref": "#/components/schemas/FieldDescription" } } } },
              "FieldDescription": { "type": "object", "properties": { "name": { "type": "string" } } },
              "ProblemDetails": { "type": "object", "properties": { "type": { "type": "string" }, "status": { "type": "integer" } } },
              "HealthReport": { "type": "object", "properties": { "status": { "type": "string" } } }
            }
          },
          "tags": [ { "name": "Models" }, { "name": "Health" } ]
        }
        """);

    internal static JsonObject InferenceDocument() => Parse("""
        {
          "openapi": "3.1.1",
          "info": { "title": "Inference | v1", "version": "1.0.0" },
          "paths": {
            "/v2/models/{model}": {
              "get": {
                "tags": [ "Open Inference Protocol" ],
                "responses": {
                  "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ModelDescription" } } } },
                  "404": { "description": "Not Found", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } } }
                }
              }
            },
            "/v2/models/{model}/infer": {
              "post": {
                "tags": [ "Open Inference Protocol" ],
                "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InferenceRequest" } } }, "required": true },
                "responses": { "200": { "description": "OK" } }
              }
            },
            "/internal/drain": { "post": { "tags": [ "Internal" ], "responses": { "202": { "description": "Accepted" } } } }
          },
          "components": {
            "schemas": {
              "ModelDescription": { "type": "object", "properties": { "name": { "type": "string" }, "platform": { "type": "string" } } },
              "ProblemDetails": { "type": "object", "properties": { "type": { "type": "string" }, "status": { "type": "integer" } } },
              "InferenceRequest": { "type": "object", "properties": { "inputs": { "type": "array" } } },
              "Unused": { "type": "string" }
            }
          },
          "tags": [ { "name": "Open Inference Protocol" }, { "name": "Internal" } ]
        }
        """);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
