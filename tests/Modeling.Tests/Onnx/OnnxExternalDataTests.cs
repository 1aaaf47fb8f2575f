using Modeling.Cards;
using Modeling.Onnx;
using Modeling.Scoring;

namespace Modeling.Tests.Onnx;

/// <summary>ONNX files whose tensors keep their data in another file are refused wherever the tensor is, before ONNX Runtime reads anything.</summary>
public sealed class OnnxExternalDataTests
{
    private static readonly ModelCard Card = ModelCardReader.Read("""
        {
          "schemaVersion": 1, "name": "parcel-weight", "version": "1", "task": "regression",
          "features": [ { "name": "x", "kind": "numeric" } ],
          "input": { "name": "features", "columns": ["x"] },
          "output": { "score": "value" }
        }
        """).Card!;

    [Theory]
    [InlineData(ExternalTensorPlace.Initializer, "initializer 'weights'")]
    [InlineData(ExternalTensorPlace.ConstantAttribute, "attribute 'value' of node 'weights-constant' (Constant)")]
    [InlineData(ExternalTensorPlace.Subgraph, "initializer 'hidden'")]
    [InlineData(ExternalTensorPlace.SparseInitializer, "sparse initializer 'sparse'")]
    [InlineData(ExternalTensorPlace.FunctionAttribute, "attribute 'scale' of function 'scaled'")]
    [InlineData(ExternalTensorPlace.TrainingGraph, "initializer 'state'")]
    public void A_tensor_with_external_data_is_found_wherever_it_is(ExternalTensorPlace place, string named)
    {
        var found = OnnxExternalData.Find(ExternalDataOnnxModel.Regression(place, "weights.bin"));

        Assert.Equal($"{named} (data in 'weights.bin')", found);
    }

    [Fact]
    public void A_model_whose_tensors_hold_their_data_has_no_external_data()
    {
        Assert.Null(OnnxExternalData.Find(LinearOnnxModel.Regression([2f], 1f)));
        Assert.Null(OnnxExternalData.Find(LinearOnnxModel.Multiclass(new float[,] { { 1f, -1f } }, [0f, 0f])));
    }

    [Fact]
    public void A_file_that_is_not_an_onnx_model_is_invalid_data()
    {
        var refused = Assert.Throws<InvalidDataException>(() => OnnxExternalData.Find([0xFF, 0xFF, 0xFF, 0xFF]));

        Assert.StartsWith("it is not an ONNX model", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weights.bin")]
    [InlineData("appsettings.json")]
    [InlineData("../../etc/passwd")]
    public void The_check_refuses_external_data_as_the_file_itself_naming_the_tensor(string location)
    {
        var mismatch = Assert.Single(OnnxCardCheck.Check(Card, ExternalDataOnnxModel.Regression(ExternalTensorPlace.Initializer, location)));

        Assert.Null(mismatch.CardPath);
        Assert.Contains("initializer 'weights'", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("keeps its data in another file", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scorer_does_not_load_a_model_with_external_data()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => OnnxScorer.Load(Card, ExternalDataOnnxModel.Regression(ExternalTensorPlace.ConstantAttribute)));

        Assert.Contains("keeps its data in another file", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sessions_refuse_external_data_and_load_a_model_that_has_none()
    {
        Assert.Throws<InvalidDataException>(() => OnnxSessions.Create(ExternalDataOnnxModel.Regression(ExternalTensorPlace.Subgraph)));
        using var session = OnnxSessions.Create(LinearOnnxModel.Regression([2f], 1f));
        Assert.Equal(["features"], session.InputMetadata.Keys);
    }

    [Fact]
    public void A_check_whose_time_is_up_refuses_the_model()
    {
        using var expired = new CancellationTokenSource();
        expired.Cancel();

        var mismatch = Assert.Single(OnnxCardCheck.Check(Card, LinearOnnxModel.Regression([2f], 1f), expired.Token));

        Assert.Null(mismatch.CardPath);
        Assert.Contains("within the time the check allows", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_check_with_time_left_passes_a_model_that_fits()
    {
        using var generous = new CancellationTokenSource();

        Assert.Empty(OnnxCardCheck.Check(Card, LinearOnnxModel.Regression([2f], 1f), generous.Token));
    }
}
