using Microsoft.ML.OnnxRuntime;

namespace Modeling.Onnx;

/// <summary>
/// The one way an ONNX file becomes an ONNX Runtime session, for checking it (<see cref="OnnxCardCheck"/>) and for scoring
/// with it (<see cref="Scoring.OnnxScorer"/>): only the ONNX format (never ONNX Runtime's own, which the check below cannot
/// read), no tensor with its data in another file (<see cref="OnnxExternalData"/>), one thread per call and no spinning.
/// </summary>
public static class OnnxSessions
{
    /// <summary>A session of <paramref name="onnx"/>.</summary>
    /// <exception cref="InvalidDataException">When the file is not an ONNX model, or a tensor keeps its data in another file.</exception>
    /// <exception cref="OnnxRuntimeException">When ONNX Runtime cannot load it.</exception>
    public static InferenceSession Create(byte[] onnx)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        if (OnnxExternalData.Find(onnx) is { } external)
            throw new InvalidDataException($"its {external} keeps its data in another file; the platform reads models from one file only: save the model with its tensors inside (onnx.save_model(model, path, save_as_external_data=False))");
        using var options = Settings();
        return new InferenceSession(onnx, options);
    }

    // One thread per call: the parallelism comes from concurrent calls (requests, batch chunks, replicas),
    // which ONNX Runtime's own thread pool would only fight for the same cores. And threads that wait sleep
    // instead of spinning: on cores shared with other replicas, the broker and the other services, spinning
    // burns the CPU they need (measured on 2 cores: 3M rows cost 4.4 CPU-s with spinning, 2.5 without).
    private static SessionOptions Settings()
    {
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        // A file in ONNX Runtime's own format is refused, not read: only an ONNX file's tensors can be checked.
        options.AddSessionConfigEntry("session.load_model_format", "ONNX");
        return options;
    }
}
