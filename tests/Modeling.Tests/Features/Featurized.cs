using System.Text.Json;
using Modeling.Cards;
using Modeling.Features;

namespace Modeling.Tests.Features;

/// <summary>A JSON record run through a featurizer: the vector and the field errors.</summary>
internal sealed record Featurized(float[] Vector, IReadOnlyList<FieldError> Errors)
{
    public static Featurized Of(FeatureSpec feature, string json) => Of(Featurizer.Create([feature]), json);

    public static Featurized Of(Featurizer featurizer, string json)
    {
        using var document = JsonDocument.Parse(json);
        var vector = new float[featurizer.Width];
        var result = featurizer.Featurize(new JsonRecord(document.RootElement), vector);
        Assert.Equal(result.IsValid, result.Errors.Count == 0);
        return new Featurized(vector, result.Errors);
    }

    /// <summary>The vector of a record that must be valid.</summary>
    public float[] Valid()
    {
        Assert.True(Errors.Count == 0, $"expected a valid record, got: {string.Join("; ", Errors)}");
        return Vector;
    }

    /// <summary>The one error of a record that must be invalid.</summary>
    public FieldError Error()
    {
        Assert.True(Errors.Count == 1, $"expected one field error, got: {(Errors.Count == 0 ? "none" : string.Join("; ", Errors))}");
        return Errors[0];
    }
}
