using Google.Protobuf;
using Modeling.Onnx.Protobuf;
using static Modeling.Onnx.OnnxNodes;

namespace Modeling.Onnx;

/// <summary>
/// One target (output column) of a <c>TreeEnsembleRegressor</c>: the value every row starts from and the trees whose
/// weighted leaf values are added to it.
/// </summary>
/// <param name="BaseValue">The target's <c>base_values</c> entry (the ensemble's bias).</param>
/// <param name="Trees">The trees that add to this target; may be empty.</param>
internal sealed record TreeEnsembleTarget(double BaseValue, IReadOnlyList<RegressionTreeModel> Trees);

/// <summary>
/// Builds the <c>ai.onnx.ml</c> <c>TreeEnsembleRegressor</c> (opset 3) node that sums, per target, the target's base
/// value and <c>Weight * LeafValues[leaf]</c> of each of its trees, with <c>BRANCH_LEQ</c> splits (a NaN feature value
/// fails the comparison and goes to the false branch, as in ML.NET) and double thresholds and leaf weights.
/// </summary>
internal static class TreeEnsembleRegressorNode
{
    /// <summary>The node, reading <paramref name="input"/> [N, F] and writing float [N, targets.Count] to <paramref name="output"/>.</summary>
    public static NodeProto Create(IReadOnlyList<TreeEnsembleTarget> targets, string input, string output)
    {
        var nodeTreeIds = new List<long>();
        var nodeIds = new List<long>();
        var nodeFeatureIds = new List<long>();
        var nodeModes = new List<ByteString>();
        var nodeValues = new List<double>();
        var nodeTrueIds = new List<long>();
        var nodeFalseIds = new List<long>();
        var targetTreeIds = new List<long>();
        var targetNodeIds = new List<long>();
        var targetIds = new List<long>();
        var targetWeights = new List<double>();

        var branch = ByteString.CopyFromUtf8("BRANCH_LEQ");
        var leafMode = ByteString.CopyFromUtf8("LEAF");

        // Tree ids run over all targets: tree t of the node is the t-th tree met in target order.
        var t = 0;
        for (var target = 0; target < targets.Count; target++)
        {
            // ONNX Runtime needs at least one node; a target without trees scores its base value, as a zero leaf does.
            IReadOnlyList<RegressionTreeModel> trees = targets[target].Trees.Count > 0 ? targets[target].Trees : [RegressionTreeModel.SingleLeaf(0.0)];
            foreach (var tree in trees)
            {
                // Node ids within a tree: internal node i keeps id i (the root is 0, as ONNX requires) and leaf j
                // gets id internalCount + j, so ids start at 0 and increase by 1.
                var internalCount = tree.SplitFeatures.Count;
                long Id(int child) => child >= 0 ? child : internalCount + (long)~child;

                for (var i = 0; i < internalCount; i++)
                {
                    nodeTreeIds.Add(t);
                    nodeIds.Add(i);
                    nodeFeatureIds.Add(tree.SplitFeatures[i]);
                    nodeModes.Add(branch);
                    nodeValues.Add(tree.Thresholds[i]);
                    nodeTrueIds.Add(Id(tree.LeftChild[i]));
                    nodeFalseIds.Add(Id(tree.RightChild[i]));
                }

                for (var leaf = 0; leaf < tree.LeafValues.Count; leaf++)
                {
                    var id = internalCount + (long)leaf;
                    nodeTreeIds.Add(t);
                    nodeIds.Add(id);
                    nodeFeatureIds.Add(0);
                    nodeModes.Add(leafMode);
                    nodeValues.Add(0.0);
                    nodeTrueIds.Add(0);
                    nodeFalseIds.Add(0);

                    targetTreeIds.Add(t);
                    targetNodeIds.Add(id);
                    targetIds.Add(target);
                    targetWeights.Add(tree.Weight * tree.LeafValues[leaf]);
                }

                t++;
            }
        }

        var node = Node("TreeEnsembleRegressor", "tree_ensemble", [input], output, MlDomain);
        node.Attribute.Add(Ints("nodes_treeids", nodeTreeIds));
        node.Attribute.Add(Ints("nodes_nodeids", nodeIds));
        node.Attribute.Add(Ints("nodes_featureids", nodeFeatureIds));
        node.Attribute.Add(Strings("nodes_modes", nodeModes));
        node.Attribute.Add(DoubleTensor("nodes_values_as_tensor", nodeValues));
        node.Attribute.Add(Ints("nodes_truenodeids", nodeTrueIds));
        node.Attribute.Add(Ints("nodes_falsenodeids", nodeFalseIds));
        node.Attribute.Add(Ints("target_treeids", targetTreeIds));
        node.Attribute.Add(Ints("target_nodeids", targetNodeIds));
        node.Attribute.Add(Ints("target_ids", targetIds));
        node.Attribute.Add(DoubleTensor("target_weights_as_tensor", targetWeights));
        node.Attribute.Add(DoubleTensor("base_values_as_tensor", [.. targets.Select(target => target.BaseValue)]));
        node.Attribute.Add(Int("n_targets", targets.Count));
        node.Attribute.Add(String("aggregate_function", "SUM"));
        node.Attribute.Add(String("post_transform", "NONE"));
        return node;
    }
}
