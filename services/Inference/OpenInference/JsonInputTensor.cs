using System.Text.Json;

namespace Inference.OpenInference;

/// <summary>An input tensor of the REST form: its <c>data</c> is JSON numbers, flat or nested (row-major), as the protocol allows.</summary>
public sealed class JsonInputTensor(RequestInput input) : IInputTensor
{
    /// <inheritdoc />
    public string? Name => input.Name;

    /// <inheritdoc />
    public string? Datatype => input.Datatype;

    /// <inheritdoc />
    public IReadOnlyList<long>? Shape => input.Shape;

    /// <inheritdoc />
    public string DataField => "inputs[0].data";

    /// <summary>The inputs of a REST request.</summary>
    public static IReadOnlyList<IInputTensor> Of(InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Inputs?.Select(input => (IInputTensor)new JsonInputTensor(input)).ToList() ?? [];
    }

    /// <inheritdoc />
    public string? TryCopyTo(Span<float> destination)
    {
        var count = 0;
        if (!Flatten(input.Data, destination, ref count))
            return "data holds something other than a finite number, or more numbers than that (send them flat or nested)";
        return count == destination.Length ? null : $"data holds {count} (send them flat or nested)";
    }

    private static bool Flatten(JsonElement element, Span<float> destination, ref int count)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!Flatten(item, destination, ref count))
                        return false;
                }

                return true;
            case JsonValueKind.Number when count < destination.Length && element.TryGetDouble(out var value) && double.IsFinite(value):
                destination[count++] = (float)value;
                return true;
            default:
                return false;
        }
    }
}
