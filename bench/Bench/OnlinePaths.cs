namespace Bench;

/// <summary>The row labels of the online table, kept from run to run so reports can be compared.</summary>
public static class OnlinePaths
{
    /// <summary>ONNX Runtime called in the bench's process.</summary>
    public const string InProcess = "(a) ONNX Runtime in-process";

    /// <summary>The naive model-in-the-web-server baseline.</summary>
    public const string Naive = "(b) naive model-in-web-server";

    /// <summary>The tensor API through the distributed mode's gateway.</summary>
    public const string Tensor = "(c) tensor API via gateway";

    /// <summary>The raw-record API through the distributed mode's gateway, FeatureBuilder and Inference (gRPC between them; the label is kept so runs compare), the events on RabbitMQ.</summary>
    public const string Raw = "(d) raw records via gateway + RabbitMQ";

    /// <summary>The tensor API of the embedded default.</summary>
    public const string TensorEmbedded = "(c) tensor API, embedded";

    /// <summary>The raw-record API of the embedded default (in-memory bus).</summary>
    public const string RawEmbedded = "(d) raw records, embedded";

    /// <summary>Every label in the order of the table.</summary>
    public static readonly string[] Order = [InProcess, Naive, Tensor, Raw, TensorEmbedded, RawEmbedded];
}
