namespace Inference.OpenInference;

/// <summary>
/// Reads the feature tensor of an inference request into row-major floats, checking it against the model: one input
/// with the model's input name, a numeric datatype, shape [N, width], and exactly N × width finite numbers. The same
/// checks and messages for every form the values come in (<see cref="IInputTensor"/>: REST JSON, gRPC contents or raw
/// bytes); every message names the input.
/// </summary>
public static class TensorReader
{
    /// <summary>The datatypes read as FP32.</summary>
    public static readonly IReadOnlyList<string> NumericDatatypes = ["FP32", "FP64", "FP16", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"];

    /// <summary>The rows and features, or the error to report (with the request field it concerns).</summary>
    public static TensorReadResult Read(IReadOnlyList<IInputTensor> inputs, string inputName, int width, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
            return TensorReadResult.Invalid("inputs", $"The request has no inputs; send one named '{inputName}' with shape [N, {width}].");
        if (inputs.Count > 1 || inputs[0].Name != inputName)
            return TensorReadResult.Invalid("inputs", $"The model takes one input named '{inputName}'; got {string.Join(", ", inputs.Select(input => $"'{input.Name}'"))}.");

        var input = inputs[0];
        if (input.Datatype is not { } datatype || !NumericDatatypes.Contains(datatype, StringComparer.Ordinal))
            return TensorReadResult.Invalid("inputs[0].datatype", $"Input '{inputName}' has datatype '{input.Datatype}', which is not numeric; the model takes FP32.");
        if (input.Shape is not [var rows, var columns] || columns != width || rows < 1)
            return TensorReadResult.Invalid("inputs[0].shape", $"Input '{inputName}' must have shape [N, {width}] with N ≥ 1; got [{string.Join(", ", input.Shape ?? [])}].");
        if (rows > maxRows)
            return TensorReadResult.TooLarge($"Input '{inputName}' has {rows} rows, more than the {maxRows} one request may carry.");

        var features = new float[rows * width];
        if (input.TryCopyTo(features) is { } problem)
            return TensorReadResult.Invalid(input.DataField, $"Input '{inputName}' must hold {features.Length} finite numbers (shape [{rows}, {width}]): {problem}.");
        return new TensorReadResult((int)rows, features, null, null, false);
    }
}

/// <summary>An input tensor of a request, whichever form its values came in.</summary>
public interface IInputTensor
{
    /// <summary>The tensor's name.</summary>
    string? Name { get; }

    /// <summary>The tensor's datatype.</summary>
    string? Datatype { get; }

    /// <summary>The tensor's shape.</summary>
    IReadOnlyList<long>? Shape { get; }

    /// <summary>The request field that holds the values, for errors (<c>inputs[0].data</c>, <c>raw_input_contents[0]</c>, …).</summary>
    string DataField { get; }

    /// <summary>
    /// Copies the values, row-major, into <paramref name="destination"/> (sized by the shape, which has been checked).
    /// </summary>
    /// <returns>Null when it holds exactly that many finite numbers, else what is wrong.</returns>
    string? TryCopyTo(Span<float> destination);
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
