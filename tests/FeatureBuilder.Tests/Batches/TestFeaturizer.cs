using Modeling.Cards;
using Modeling.Features;

namespace FeatureBuilder.Tests.Batches;

/// <summary>A small featurizer like the flight model's: origin (vocabulary), distance (1 to 5000), date (hour, month).</summary>
public static class TestFeaturizer
{
    public static readonly string[] Airports = ["ORD", "ATL", "LAX"];

    public static Featurizer Create() => Featurizer.Create(
    [
        new CategoricalFeature { Name = "origin", Vocabulary = Airports },
        new NumericFeature { Name = "distance", Min = 1, Max = 5000 },
        new TimestampFeature { Name = "date", Parts = [TimestampPart.Hour, TimestampPart.Month] },
    ]);
}
