using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;
using Modeling.Cards;
using Retrainer.Training;
using Xunit.Abstractions;

namespace Retrainer.Tests.Training;

/// <summary>
/// The multiclass model the Retrainer trains class by class is ML.NET's own one-versus-all: on the same rows, with the
/// same FastTree settings, its class models' probabilities normalized by their sum are the probability vectors
/// <c>OneVersusAll(FastTree binary)</c> scores (read through ML.NET's public API, its Score column).
/// </summary>
public sealed class FastTreeModelTests(ITestOutputHelper output)
{
    [Fact]
    public void The_multiclass_model_gives_what_ML_NET_one_versus_all_over_the_same_FastTree_gives()
    {
        var card = SyntheticModels.Card(ModelTask.Multiclass, "synthetic-kind");
        var table = FeatureTable.Build(card, SyntheticModels.Examples(SyntheticModels.Rows(ModelTask.Multiclass, card.Name, 800, seed: 1)));
        var settings = new FastTreeSettings(Trees: 20, Leaves: 8, MinimumRowsPerLeaf: 10, LearningRate: 0.1, Seed: 2001);
        var classes = card.Output.Labels.Count;

        var perClass = FastTreeModel.Train(table, ModelTask.Multiclass, card.Output.Labels, settings).PredictWithMlNet(table.Features);
        var fromOneVersusAll = OneVersusAll(table, settings);

        var difference = 0.0;
        for (var row = 0; row < table.Rows; row++)
        {
            var p = perClass.AsSpan(row * classes, classes);
            var sum = 0.0;
            foreach (var value in p)
                sum += value;
            for (var k = 0; k < classes; k++)
                difference = Math.Max(difference, Math.Abs((float)(p[k] / sum) - fromOneVersusAll[(row * classes) + k]));
        }

        output.WriteLine($"{table.Rows} rows × {classes} labels: max |Δp| against ML.NET's OneVersusAll {difference:E2}");
        Assert.Equal(table.Rows * classes, fromOneVersusAll.Length);
        Assert.True(difference <= 1e-6, $"max |Δp| = {difference:E3}");
    }

    // ML.NET's one-versus-all over FastTree binary with the same settings; the label's keys in the card's label order
    // (the truth's index as text, keys by value).
    private static float[] OneVersusAll(FeatureTable table, FastTreeSettings settings)
    {
        var ml = new MLContext(seed: settings.Seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, table.Width);
        var rows = Enumerable.Range(0, table.Rows).Select(row => new Row
        {
            Features = table.Row(row).ToArray(),
            Label = ((int)table.Truths[row]).ToString(CultureInfo.InvariantCulture),
        });
        var binary = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = settings.Trees,
            NumberOfLeaves = settings.Leaves,
            MinimumExampleCountPerLeaf = settings.MinimumRowsPerLeaf,
            LearningRate = settings.LearningRate,
            Seed = settings.Seed,
        });
        var view = ml.Data.LoadFromEnumerable(rows, schema);
        var model = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.MulticlassClassification.Trainers.OneVersusAll(binary))
            .Fit(view);
        return [.. model.Transform(view).GetColumn<float[]>("Score").SelectMany(vector => vector)];
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }
}
