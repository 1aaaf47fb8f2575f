using System.Text.Json;
using System.Text.Json.Serialization;

namespace Inference.OpenInference;

// The JSON objects of the Open Inference Protocol (KServe V2) REST API, with the protocol's field names.

/// <summary>An inference request: <c>{"id", "parameters", "inputs": [...], "outputs": [...]}</c>.</summary>
public sealed record InferenceRequest(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("parameters")] Dictionary<string, JsonElement>? Parameters,
    [property: JsonPropertyName("inputs")] IReadOnlyList<RequestInput>? Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<RequestOutput>? Outputs);

/// <summary>An input tensor: name, shape, datatype and the data (flat or nested, row-major).</summary>
public sealed record RequestInput(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("shape")] IReadOnlyList<long>? Shape,
    [property: JsonPropertyName("datatype")] string? Datatype,
    [property: JsonPropertyName("parameters")] Dictionary<string, JsonElement>? Parameters,
    [property: JsonPropertyName("data")] JsonElement Data);

/// <summary>An output the client asks for by name.</summary>
public sealed record RequestOutput(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("parameters")] Dictionary<string, JsonElement>? Parameters);

/// <summary>An inference response.</summary>
public sealed record InferenceResponse(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] string ModelVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("parameters")] Dictionary<string, object>? Parameters,
    [property: JsonPropertyName("outputs")] IReadOnlyList<ResponseOutput> Outputs);

/// <summary>An output tensor.</summary>
public sealed record ResponseOutput(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("data")] object Data);

/// <summary>Server metadata: <c>GET /v2</c>.</summary>
public sealed record ServerMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("extensions")] IReadOnlyList<string> Extensions);

/// <summary>Model metadata: <c>GET /v2/models/{model}[/versions/{version}]</c>.</summary>
public sealed record ModelMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("versions")] IReadOnlyList<string> Versions,
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("inputs")] IReadOnlyList<TensorMetadata> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<TensorMetadata> Outputs);

/// <summary>A tensor's name, datatype and shape (-1 for a variable dimension).</summary>
public sealed record TensorMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape);

/// <summary><c>{"live": true}</c>.</summary>
public sealed record LiveResponse([property: JsonPropertyName("live")] bool Live);

/// <summary><c>{"ready": true}</c>, with the model's name for model readiness.</summary>
public sealed record ReadyResponse(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("ready")] bool Ready);
