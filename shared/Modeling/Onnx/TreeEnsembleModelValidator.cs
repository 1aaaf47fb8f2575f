namespace Modeling.Onnx;

/// <summary>
/// Checks a <see cref="TreeEnsembleModel"/> for everything that would make its export wrong or unloadable, and
/// names each problem with its place, e.g. <c>Trees[3].SplitFeatures[2]</c>.
/// </summary>
public static class TreeEnsembleModelValidator
{
    /// <summary>Every problem in the model; empty when it can be exported.</summary>
    public static IReadOnlyList<string> Validate(TreeEnsembleModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = new List<string>();

        if (model.FeatureCount < 1)
            errors.Add($"FeatureCount: is {model.FeatureCount}; a model needs at least one feature");
        if (!double.IsFinite(model.Bias))
            errors.Add($"Bias: is {NotFinite(model.Bias)}; it must be a finite number");
        if (model.Calibration is null)
        {
            errors.Add("Calibration: is required");
        }
        else
        {
            if (!double.IsFinite(model.Calibration.Slope))
                errors.Add($"Calibration.Slope: is {NotFinite(model.Calibration.Slope)}; it must be a finite number");
            if (!double.IsFinite(model.Calibration.Offset))
                errors.Add($"Calibration.Offset: is {NotFinite(model.Calibration.Offset)}; it must be a finite number");
        }

        if (model.Trees is null)
        {
            errors.Add("Trees: is required (use an empty list for a model without trees)");
            return errors;
        }

        for (var t = 0; t < model.Trees.Count; t++)
        {
            if (model.Trees[t] is { } tree)
                ValidateTree(tree, $"Trees[{t}]", model.FeatureCount, errors);
            else
                errors.Add($"Trees[{t}]: is null");
        }

        return errors;
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
