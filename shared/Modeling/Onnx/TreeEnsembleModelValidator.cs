namespace Modeling.Onnx;

/// <summary>
/// Checks a <see cref="TreeEnsembleModel"/>, <see cref="RegressionTreeEnsembleModel"/> or
/// <see cref="MulticlassTreeEnsembleModel"/> for everything that would make its export wrong or unloadable, and names
/// each problem with its place, e.g. <c>Trees[3].SplitFeatures[2]</c> or <c>Classes[1].Calibration.Slope</c>.
/// </summary>
public static class TreeEnsembleModelValidator
{
    /// <summary>Every problem in the binary model; empty when it can be exported.</summary>
    public static IReadOnlyList<string> Validate(TreeEnsembleModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = new List<string>();
        ValidateFeatureCount(model.FeatureCount, errors);
        ValidateBias(model.Bias, "Bias", errors);
        ValidateCalibration(model.Calibration, "Calibration", errors);
        ValidateTrees(model.Trees, "Trees", model.FeatureCount, errors);
        return errors;
    }

    /// <summary>Every problem in the regression model; empty when it can be exported.</summary>
    public static IReadOnlyList<string> Validate(RegressionTreeEnsembleModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = new List<string>();
        ValidateFeatureCount(model.FeatureCount, errors);
        ValidateBias(model.Bias, "Bias", errors);
        ValidateTrees(model.Trees, "Trees", model.FeatureCount, errors);
        return errors;
    }

    /// <summary>
    /// Every problem in the multiclass model, each class's at its place (<c>Classes[2].Trees[3].SplitFeatures[0]</c>);
    /// empty when it can be exported.
    /// </summary>
    public static IReadOnlyList<string> Validate(MulticlassTreeEnsembleModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = new List<string>();
        ValidateFeatureCount(model.FeatureCount, errors);
        if (model.Classes is null)
        {
            errors.Add("Classes: is required (one ensemble per class)");
            return errors;
        }

        if (model.Classes.Count < 2)
            errors.Add($"Classes: has {model.Classes.Count} entries; a multiclass model needs at least 2 (one ensemble per class)");

        for (var k = 0; k < model.Classes.Count; k++)
        {
            var path = $"Classes[{k}]";
            if (model.Classes[k] is not { } ensemble)
            {
                errors.Add($"{path}: is null");
                continue;
            }

            ValidateBias(ensemble.Bias, $"{path}.Bias", errors);
            ValidateCalibration(ensemble.Calibration, $"{path}.Calibration", errors);
            ValidateTrees(ensemble.Trees, $"{path}.Trees", model.FeatureCount, errors);
        }

        return errors;
    }

    private static void ValidateFeatureCount(int featureCount, List<string> errors)
    {
        if (featureCount < 1)
            errors.Add($"FeatureCount: is {featureCount}; a model needs at least one feature");
    }

    private static void ValidateBias(double bias, string path, List<string> errors)
    {
        if (!double.IsFinite(bias))
            errors.Add($"{path}: is {NotFinite(bias)}; it must be a finite number");
    }

    private static void ValidateCalibration(PlattCalibration? calibration, string path, List<string> errors)
    {
        if (calibration is null)
        {
            errors.Add($"{path}: is required");
            return;
        }

        if (!double.IsFinite(calibration.Slope))
            errors.Add($"{path}.Slope: is {NotFinite(calibration.Slope)}; it must be a finite number");
        if (!double.IsFinite(calibration.Offset))
            errors.Add($"{path}.Offset: is {NotFinite(calibration.Offset)}; it must be a finite number");
    }

    private static void ValidateTrees(IReadOnlyList<RegressionTreeModel>? trees, string path, int featureCount, List<string> errors)
    {
        if (trees is null)
        {
            errors.Add($"{path}: is required (use an empty list for a model without trees)");
            return;
        }

        for (var t = 0; t < trees.Count; t++)
        {
            if (trees[t] is { } tree)
                ValidateTree(tree, $"{path}[{t}]", featureCount, errors);
            else
                errors.Add($"{path}[{t}]: is null");
        }
    }

    private static void ValidateTree(RegressionTreeModel tree, string path, int featureCount, List<string> errors)
    {
        if (!double.IsFinite(tree.Weight))
            errors.Add($"{path}.Weight: is {NotFinite(tree.Weight)}; it must be a finite number");
        if (tree.SplitFeatures is null || tree.Thresholds is null || tree.LeftChild is null || tree.RightChild is null
            || tree.LeafValues is null)
        {
            errors.Add($"{path}: SplitFeatures, Thresholds, LeftChild, RightChild and LeafValues are all required");
            return;
        }

        var internalCount = tree.SplitFeatures.Count;
        var countsAgree = true;
        void RequireCount(string name, int count, int expected, string why)
        {
            if (count == expected)
                return;
            errors.Add($"{path}.{name}: has {count} entries; expected {expected} ({why})");
            countsAgree = false;
        }

        RequireCount(nameof(tree.Thresholds), tree.Thresholds.Count, internalCount, "one per internal node, like SplitFeatures");
        RequireCount(nameof(tree.LeftChild), tree.LeftChild.Count, internalCount, "one per internal node, like SplitFeatures");
        RequireCount(nameof(tree.RightChild), tree.RightChild.Count, internalCount, "one per internal node, like SplitFeatures");
        RequireCount(nameof(tree.LeafValues), tree.LeafValues.Count, internalCount + 1, "a tree with n internal nodes has n + 1 leaves");
        if (!countsAgree)
            return;

        for (var i = 0; i < internalCount; i++)
        {
            var feature = tree.SplitFeatures[i];
            if (feature < 0 || feature >= featureCount)
                errors.Add($"{path}.SplitFeatures[{i}]: feature index {feature} is outside the model's {featureCount} features (0..{featureCount - 1})");
            if (float.IsNaN(tree.Thresholds[i]))
                errors.Add($"{path}.Thresholds[{i}]: is NaN; a split needs a threshold to compare with");
        }

        for (var leaf = 0; leaf < tree.LeafValues.Count; leaf++)
        {
            var value = tree.LeafValues[leaf];
            if (!double.IsFinite(value))
                errors.Add($"{path}.LeafValues[{leaf}]: is {NotFinite(value)}; it must be a finite number");
            else if (double.IsFinite(tree.Weight) && !double.IsFinite(tree.Weight * value))
                errors.Add($"{path}.LeafValues[{leaf}]: {value} times the tree weight {tree.Weight} overflows a double");
        }

        ValidateStructure(tree, path, errors);
    }

    // Every internal node and every leaf must be reached exactly once from the root: that rules out cycles,
    // shared subtrees, unreachable nodes and children that point nowhere.
    private static void ValidateStructure(RegressionTreeModel tree, string path, List<string> errors)
    {
        var internalCount = tree.SplitFeatures.Count;
        if (internalCount == 0)
            return;

        var leafCount = internalCount + 1;
        var internalSeen = new bool[internalCount];
        var leafSeen = new bool[leafCount];
        var pending = new Stack<int>();
        internalSeen[0] = true;
        pending.Push(0);
        var structureErrors = 0;

        while (pending.Count > 0 && structureErrors < 10)
        {
            var node = pending.Pop();
            foreach (var (side, child) in new[] { ("LeftChild", tree.LeftChild[node]), ("RightChild", tree.RightChild[node]) })
            {
                var place = $"{path}.{side}[{node}]";
                if (child >= 0)
                {
                    if (child >= internalCount)
                    {
                        errors.Add($"{place}: internal node {child} does not exist (the tree has {internalCount})");
                        structureErrors++;
                    }
                    else if (child == 0 || internalSeen[child])
                    {
                        errors.Add($"{place}: internal node {child} is reached more than once (a cycle or a shared subtree)");
                        structureErrors++;
                    }
                    else
                    {
                        internalSeen[child] = true;
                        pending.Push(child);
                    }
                }
                else
                {
                    var leaf = ~child;
                    if (leaf >= leafCount)
                    {
                        errors.Add($"{place}: leaf {leaf} (child value {child}) does not exist (the tree has {leafCount} leaves)");
                        structureErrors++;
                    }
                    else if (leafSeen[leaf])
                    {
                        errors.Add($"{place}: leaf {leaf} is reached more than once");
                        structureErrors++;
                    }
                    else
                    {
                        leafSeen[leaf] = true;
                    }
                }
            }
        }

        if (structureErrors > 0)
            return;
        for (var i = 0; i < internalCount; i++)
        {
            if (!internalSeen[i])
                errors.Add($"{path}: internal node {i} is not reachable from the root (node 0)");
        }

        for (var leaf = 0; leaf < leafCount; leaf++)
        {
            if (!leafSeen[leaf])
                errors.Add($"{path}: leaf {leaf} is not reachable from the root (node 0)");
        }
    }

    private static string NotFinite(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";
}
