using System.Text.Json;

namespace Inference.OpenInference;

/// <summary>
/// Reads the feature tensor of an inference request into row-major floats, checking it against the model:
/// one input with the model's input name, a numeric datatype, shape [N, width], and exactly N × width
/// numbers (flat or nested arrays, as the protocol allows).
/// </summary>
public static class TensorReader
{
    private static readonly string[] NumericDatatypes = ["FP32", "FP64", "FP16", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"];

    /// <summary>The rows and features, or the error to report (with the request field it concerns).</summary>
    public static TensorReadResult Read(InferenceRequest request, string inputName, int width, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Inputs is not { Count: > 0 } inputs)
            return TensorReadResult.Invalid("inputs", $"The request has no inputs; send one named '{inputName}' with shape [N, {width}].");
        if (inputs.Count > 1 || inputs[0].Name != inputName)
            return TensorReadResult.Invalid("inputs", $"The model takes one input named '{inputName}'; got {string.Join(", ", inputs.Select(input => $"'{input.Name}'"))}.");

        var input = inputs[0];
        if (input.Datatype is not { } datatype || !NumericDatatypes.Contains(datatype, StringComparer.Ordinal))
            return TensorReadResult.Invalid("inputs[0].datatype", $"'{input.Datatype}' is not a numeric datatype; the model takes FP32.");
        if (input.Shape is not [var rows, var columns] || columns != width || rows < 1)
            return TensorReadResult.Invalid("inputs[0].shape", $"The shape must be [N, {width}] with N ≥ 1; got [{string.Join(", ", input.Shape ?? [])}].");
        if (rows > maxRows)
            return TensorReadResult.TooLarge($"{rows} rows is more than the {maxRows} one request may carry.");

        var features = new float[rows * width];
        var count = 0;
        if (!Flatten(input.Data, features, ref count) || count != features.Length)
            return TensorReadResult.Invalid("inputs[0].data", $"The data must be {features.Length} numbers (shape [{rows}, {width}]), flat or nested.");
        return new TensorReadResult((int)rows, features, null, null, false);
    }

    private static bool Flatten(JsonElement element, float[] destination, ref int count)
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

/// <summary>The outcome of <see cref="TensorReader.Read"/>.</summary>
/// <param name="Rows">Records in the tensor.</param>
/// <param name="Features">Row-major floats, or null when invalid.</param>
/// <param name="Field">The request field that is wrong, when invalid.</param>
/// <param name="Error">What is wrong, when invalid.</param>
/// <param name="IsTooLarge">The tensor has more rows than allowed (413 rather than 400).</param>
public sealed record TensorReadResult(int Rows, float[]? Features, string? Field, string? Error, bool IsTooLarge)
{
    internal static TensorReadResult Invalid(string field, string error) => new(0, null, field, error, false);

    internal static TensorReadResult TooLarge(string error) => new(0, null, "inputs[0].shape", error, true);
}
