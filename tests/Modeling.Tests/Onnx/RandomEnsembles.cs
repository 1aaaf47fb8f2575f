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

    /// <summary>
    /// A regression ensemble grown as <see cref="Create"/> grows a binary one, with leaf values <paramref name="leafScale"/>
    /// times larger and a bias around <paramref name="biasCenter"/>, so scores have a regression target's magnitude.
    /// </summary>
    public static RegressionTreeEnsembleModel CreateRegression(
        Random random, int treeCount, int featureCount, int maxDepth, int maxLeaves, double leafScale = 10.0, double biasCenter = 20.0)
    {
        var trees = new List<RegressionTreeModel>(treeCount);
        for (var t = 0; t < treeCount; t++)
            trees.Add(CreateTree(random, featureCount, maxDepth, random.Next(1, maxLeaves + 1), leafScale));

        return new RegressionTreeEnsembleModel(featureCount, Bias: biasCenter + 10.0 * (random.NextDouble() - 0.5), trees);
    }

    /// <summary>
    /// A one-versus-all ensemble: per class, <paramref name="treesPerClass"/> trees grown as <see cref="Create"/> grows
    /// them, a random bias and a random Platt calibration with a negative slope.
    /// </summary>
    public static MulticlassTreeEnsembleModel CreateMulticlass(
        Random random, int classCount, int treesPerClass, int featureCount, int maxDepth, int maxLeaves)
    {
        var classes = new List<ClassTreeEnsemble>(classCount);
        for (var k = 0; k < classCount; k++)
        {
            var trees = new List<RegressionTreeModel>(treesPerClass);
            for (var t = 0; t < treesPerClass; t++)
                trees.Add(CreateTree(random, featureCount, maxDepth, random.Next(1, maxLeaves + 1)));
            classes.Add(new ClassTreeEnsemble(
                Bias: random.NextDouble() - 0.5,
                trees,
                new PlattCalibration(Slope: -(0.5 + 2.5 * random.NextDouble()), Offset: random.NextDouble() - 0.5)));
        }

        return new MulticlassTreeEnsembleModel(featureCount, classes);
    }

    private static RegressionTreeModel CreateTree(Random random, int featureCount, int maxDepth, int targetLeaves, double leafScale = 1.0)
    {
        var splitFeatures = new List<int>();
        var thresholds = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        var leafValues = new List<double> { leafScale * Leaf(random) };
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
            leafValues[leaf] = leafScale * Leaf(random);
            leafValues.Add(leafScale * Leaf(random));
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

    /// <summary>
    /// Rows for any task: like <see cref="Rows"/>, values uniform, equal to a split threshold, or the float just below
    /// or above one, and also NaN (a missing value, which goes right at every split) and ±infinity.
    /// </summary>
    public static float[] RowsWithMissingValues(Random random, int featureCount, IEnumerable<RegressionTreeModel> trees, int rowCount)
    {
        var thresholds = trees.SelectMany(tree => tree.Thresholds).ToArray();
        var rows = new float[rowCount * featureCount];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = (random.Next(12), thresholds.Length) switch
            {
                (< 3, _) or (_, 0) => (float)(random.NextDouble() * 5.0 - 2.5),
                (< 5, _) => thresholds[random.Next(thresholds.Length)],
                (< 7, _) => MathF.BitDecrement(thresholds[random.Next(thresholds.Length)]),
                (< 9, _) => MathF.BitIncrement(thresholds[random.Next(thresholds.Length)]),
                (< 11, _) => float.NaN,
                _ => random.Next(2) == 0 ? float.NegativeInfinity : float.PositiveInfinity,
            };
        }

        return rows;
    }
}
