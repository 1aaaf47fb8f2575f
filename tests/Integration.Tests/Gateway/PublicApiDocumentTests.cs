using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integration.Tests.Gateway;

/// <summary>
/// The gateway's <c>/openapi/public.json</c> merges the documents of the services behind it (public paths
/// only) and <c>/scalar</c> shows it.
/// </summary>
public sealed class PublicApiDocumentTests : IAsyncLifetime
{
    private UpstreamService _featureBuilder = null!;
    private UpstreamService _inference = null!;
    private ServiceProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _featureBuilder = await UpstreamService.StartAsync("featurebuilder", FeatureBuilderDocument());
        _inference = await UpstreamService.StartAsync("inference", InferenceDocument());
        // FeedbackCollector is down: the document still answers with what is reachable.
        _gateway = await ProxiedGateway.StartAsync(
            _featureBuilder.Address, _inference.Address, _inference.Address, ProxiedGateway.DeadAddress());
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _featureBuilder.DisposeAsync();
        await _inference.DisposeAsync();
    }

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
        var fetched = _featureBuilder.DocumentRequests;
        await GetPublicDocumentAsync();

        Assert.True(fetched >= 1, "The FeatureBuilder document was never fetched.");
        Assert.Equal(fetched, _featureBuilder.DocumentRequests);
    }

    [Fact]
    public async Task The_API_reference_is_an_HTML_page_showing_the_public_document()
    {
        using var response = await _gateway.Client.GetAsync(new Uri("/scalar", UriKind.Relative));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/public.json", page, StringComparison.Ordinal);
    }

    private async Task<JsonObject> GetPublicDocumentAsync()
    {
        using var response = await _gateway.Client.GetAsync(new Uri("/openapi/public.json", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw _gateway.Failure($"/openapi/public.json answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static string? ResponseSchemaRef(JsonObject document, string path) =>
        document["paths"]![path]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();

    private static JsonObject FeatureBuilderDocument() => Parse("""
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

    private static JsonObject InferenceDocument() => Parse("""
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
