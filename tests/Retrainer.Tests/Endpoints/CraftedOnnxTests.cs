using System.Net;
using System.Text.Json;

namespace Retrainer.Tests.Endpoints;

/// <summary>
/// ONNX uploads that could reach beyond the upload: a tensor whose data is in another file (of the Retrainer's disk), a
/// file larger than the limit. Each is answered 400 or 413 naming the <c>onnx</c> part, with the registry and its folder
/// as they were, the service still serving.
/// </summary>
public sealed class CraftedOnnxTests(RetrainerHost host) : IClassFixture<RetrainerHost>
{
    private readonly IReadOnlyList<string> _before = host.ModelsFolderEntries();

    [Theory]
    [InlineData(ExternalTensorPlace.Initializer, "weights.bin")]
    [InlineData(ExternalTensorPlace.Initializer, "appsettings.json")]
    [InlineData(ExternalTensorPlace.ConstantAttribute, "../../../../etc/hostname")]
    [InlineData(ExternalTensorPlace.Subgraph, "/etc/passwd")]
    [InlineData(ExternalTensorPlace.SparseInitializer, "weights.bin")]
    [InlineData(ExternalTensorPlace.FunctionAttribute, "weights.bin")]
    [InlineData(ExternalTensorPlace.TrainingGraph, "weights.bin")]
    public async Task An_onnx_file_with_external_data_is_refused_and_nothing_changes(ExternalTensorPlace place, string location)
    {
        using var response = await host.RegisterAsync(RetrainerHost.Card("2"), ExternalDataOnnxModel.Regression(place, location));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = await ErrorOfAsync(response, "onnx");
        Assert.Contains("keeps its data in another file", message, StringComparison.Ordinal);
        await AssertUnchangedAsync();
    }

    [Fact]
    public async Task An_onnx_file_larger_than_the_limit_is_refused_with_413_and_nothing_changes()
    {
        var onnx = new byte[RetrainerHost.MaxOnnxBytes + 1];
        RetrainerHost.Onnx.CopyTo(onnx, 0);

        using var response = await host.RegisterAsync(RetrainerHost.Card("2"), onnx);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("onnx", problem.RootElement.GetProperty("field").GetString());
        Assert.Equal(RetrainerHost.MaxOnnxBytes, problem.RootElement.GetProperty("maxBytes").GetInt64());
        await AssertUnchangedAsync();
    }

    [Fact]
    public async Task A_file_that_is_not_onnx_is_refused_and_nothing_changes()
    {
        using var response = await host.RegisterAsync(RetrainerHost.Card("2"), [0xFF, 0xFF, 0xFF, 0xFF]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not an ONNX model", await ErrorOfAsync(response, "onnx"), StringComparison.Ordinal);
        await AssertUnchangedAsync();
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, string field)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), $"no error under {field}: {problem.RootElement}");
        return messages[0].GetString()!;
    }

    private async Task AssertUnchangedAsync()
    {
        Assert.Equal(_before, host.ModelsFolderEntries());
        using var versions = await host.Client.GetAsync(new Uri(RetrainerHost.VersionsPath, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, versions.StatusCode);
        using var list = JsonDocument.Parse(await versions.Content.ReadAsStringAsync());
        Assert.Equal(["1"], list.RootElement.GetProperty("versions").EnumerateArray().Select(version => version.GetProperty("version").GetString()));
    }
}
