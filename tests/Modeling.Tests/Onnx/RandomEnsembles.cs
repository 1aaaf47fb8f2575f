using Modeling.Onnx;

namespace Modeling.Tests.Onnx;

/// <summary>Random ensembles and rows for comparing the exported model with <see cref="EnsembleReference"/>.</summary>
internal static class RandomEnsembles
{
    /// <summary>
    /// An ensemble grown the way FastTree grows trees (splitting leaf j makes internal node NumLeaves - 1 with
    /// children ~j and ~NumLeaves), so node and leaf numbering follow ML.NET's layout. Weights, bias and
    /// calibration are random too, so each of them is exercised.
    /// </summary>
    public static TreeEnsembleModel Create(Random random, int treeCount, int featureCount, int maxDepth, int maxLeaves)
    {
        var trees = new List<RegressionTreeModel>(treeCount);
        for (var t = 0; t < treeCount; t++)
            trees.Add(CreateTree(random, featureCount, maxDepth, random.Next(1, maxLeaves + 1)));

        return new TreeEnsembleModel(
            featureCount,
            Bias: random.NextDouble() - 0.5,
            trees,
            new PlattCalibration(Slope: -(0.5 + 2.5 * random.NextDouble()), Offset: random.NextDouble() - 0.5));
    }

    private static RegressionTreeModel CreateTree(Random random, int featureCount, int maxDepth, int targetLeaves)
    {
        var splitFeatures = new List<int>();
        var thresholds = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        var leafValues = new List<double> { Leaf(random) };
        var leafDepth = new List<int> { 0 };

        while (leafValues.Count < targetLeaves)
        {
            var splittable = Enumerable.Range(0, leafValues.Count).Where(leaf => leafDepth[leaf] < maxDepth).ToList();
            if (splittable.Count == 0)
                break;
            var leaf = splittable[random.Next(splittable.Count)];
            var newNode = leafValues.Count - 1;
            var newLeaf = leafValues.Count;

            // Point the leaf's parent at the new internal node.
            var parent = left.IndexOf(~leaf);
            if (parent >= 0)
            {
                left[parent] = newNode;
            }
            else
            {
                parent = right.IndexOf(~leaf);
                if (parent >= 0)
                    right[parent] = newNode;
            }

            splitFeatures.Add(random.Next(featureCount));
            thresholds.Add(Threshold(random));
            left.Add(~leaf);
            right.Add(~newLeaf);
            leafValues[leaf] = Leaf(random);
            leafValues.Add(Leaf(random));
            leafDepth[leaf]++;
            leafDepth.Add(leafDepth[leaf]);
        }

        return new RegressionTreeModel(
            Weight: random.Next(4) == 0 ? 0.25 + random.NextDouble() : 1.0,
            splitFeatures, thresholds, left, right, leafValues);
    }

    // FastTree thresholds are bin boundaries of the training data: floats with all their digits.
    private static float Threshold(Random random) => (float)(random.NextDouble() * 4.0 - 2.0);

    // Leaf values with full double precision (not representable as floats), as FastTree's are.
    private static double Leaf(Random random) => (random.NextDouble() - 0.5) * 0.8;

    /// <summary>
    /// Rows mixing uniform values with values exactly equal to split thresholds and the floats just below and
    /// above them, so every comparison direction is exercised where it matters.
    /// </summary>
    public static float[] Rows(Random random, TreeEnsembleModel model, int rowCount)
    {
        var thresholds = model.Trees.SelectMany(tree => tree.Thresholds).ToArray();
        var rows = new float[rowCount * model.FeatureCount];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = (random.Next(4), thresholds.Length) switch
            {
                (_, 0) or (0, _) => (float)(random.NextDouble() * 5.0 - 2.5),
                (1, _) => thresholds[random.Next(thresholds.Length)],
                (2, _) => MathF.BitDecrement(thresholds[random.Next(thresholds.Length)]),
                _ => MathF.BitIncrement(thresholds[random.Next(thresholds.Length)]),
            };
        }

        return rows;
    }
}
