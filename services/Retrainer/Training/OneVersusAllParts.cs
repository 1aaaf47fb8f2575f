using System.Collections;
using System.Reflection;
using Microsoft.ML.Trainers;

namespace Retrainer.Training;

/// <summary>
/// What ML.NET's <see cref="OneVersusAllModelParameters"/> is made of: its per-class binary models and the formula
/// that turns their outputs into the class scores. ML.NET 5.0.1 keeps both internal (<c>SubModelParameters</c>
/// and <c>_impl.OutputFormula</c>, internal since ML.NET 1.3), so they are read by reflection; a later ML.NET that
/// renames them makes these calls throw <see cref="NotSupportedException"/>, never return something else.
/// </summary>
internal static class OneVersusAllParts
{
    /// <summary>ML.NET's <c>OutputFormula.ProbabilityNormalization</c>: calibrated probabilities divided by their sum.</summary>
    public const string ProbabilityNormalization = "ProbabilityNormalization";

    /// <summary>The per-class binary models, class k (label key k + 1) at index k.</summary>
    public static IReadOnlyList<object> SubModels(OneVersusAllModelParameters model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var property = typeof(OneVersusAllModelParameters).GetProperty("SubModelParameters", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw Unsupported("its SubModelParameters property");
        if (property.GetValue(model) is not IEnumerable subModels)
            throw Unsupported("SubModelParameters as a list");
        return [.. subModels.Cast<object>()];
    }

    /// <summary>
    /// The name of the output formula: <c>Raw</c> (trained with <c>useProbabilities: false</c>, or with binary models
    /// that give no probability), <see cref="ProbabilityNormalization"/> or <c>Softmax</c> (LightGBM's multiclass).
    /// </summary>
    public static string OutputFormula(OneVersusAllModelParameters model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var implementation = typeof(OneVersusAllModelParameters).GetField("_impl", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(model)
            ?? throw Unsupported("its _impl field");
        var formula = implementation.GetType().GetField("OutputFormula", BindingFlags.Instance | BindingFlags.Public)?.GetValue(implementation)
            ?? throw Unsupported("its _impl.OutputFormula field");
        return formula.ToString()!;
    }

    private static NotSupportedException Unsupported(string what) =>
        new($"this ML.NET ({typeof(OneVersusAllModelParameters).Assembly.GetName().Version}) does not have {what} of OneVersusAllModelParameters as ML.NET 5.0.1 does; the one-versus-all conversion needs updating");
}
