using System.Net;
using System.Text.Json;

namespace Retrainer.Tests.Endpoints;

/// <summary>
/// Names and versions that would name another folder of the models folder, in a card or in the URL: each answered 400
/// naming the field, the registry and its folder as they were, the service still serving.
/// </summary>
public sealed class CraftedNameTests(RetrainerHost host) : IClassFixture<RetrainerHost>
{
    private readonly RetrainerHost _host = host;
    private readonly IReadOnlyList<string> _before = host.ModelsFolderEntries();

    [Theory]
    [InlineData(".", "card.version")]
    [InlineData("..", "card.version")]
    [InlineData("../../escape", "card.version")]
    [InlineData("1/2", "card.version")]
    [InlineData("1\\\\2", "card.version")]
    [InlineData("1:stream", "card.version")]
    [InlineData("2.", "card.version")]
    public async Task A_card_whose_version_is_not_a_plain_name_is_refused_and_nothing_changes(string version, string field)
    {
        using var response = await _host.RegisterAsync(RetrainerHost.Card(version), RetrainerHost.Onnx);

        await AssertRefusedAsync(response, field);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../parcel-weight")]
    [InlineData("parcel-weight/..")]
    public async Task A_card_whose_name_is_not_a_plain_name_is_refused_and_nothing_changes(string name)
    {
        using var content = RetrainerHost.Multipart(RetrainerHost.Card("2", name), RetrainerHost.Onnx);
        using var response = await _host.Client.PostAsync(new Uri(RetrainerHost.VersionsPath, UriKind.Relative), content);

        await AssertRefusedAsync(response, "card.name");
    }

    [Theory]
    [InlineData("GET", "/api/v1/models/.../versions", "model")]
    [InlineData("GET", "/api/v1/models/a:b/versions", "model")]
    [InlineData("GET", "/api/v1/models/a%0Ab/versions", "model")]
    [InlineData("GET", "/api/v1/models/a%5Cb/training-dataset", "model")]
    [InlineData("GET", "/api/v1/models/parcel-weight/versions/...", "version")]
    [InlineData("GET", "/api/v1/models/parcel-weight/versions/1%5C..%5C..%5Cx/artifact", "version")]
    [InlineData("DELETE", "/api/v1/models/parcel-weight/versions/1%0A", "version")]
    [InlineData("PUT", "/api/v1/models/a:b/training-dataset", "model")]
    [InlineData("POST", "/api/v1/models/.../retrainings", "model")]
    public async Task A_url_whose_model_or_version_is_not_a_plain_name_is_refused_naming_it(string method, string path, string parameter)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "PUT")
            request.Content = new StringContent("x,y\n1,3\n", System.Text.Encoding.UTF8, "text/csv");
        if (method == "POST")
            request.Content = new StringContent("""{"reason":"crafted"}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await _host.Client.SendAsync(request);

        await AssertRefusedAsync(response, parameter);
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"no error under {field}: {problem.RootElement}");
        Assert.Equal(_before, _host.ModelsFolderEntries());
        // Still serving, with the one version it had.
        using var versions = await _host.Client.GetAsync(new Uri(RetrainerHost.VersionsPath, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, versions.StatusCode);
        using var list = JsonDocument.Parse(await versions.Content.ReadAsStringAsync());
        Assert.Equal(["1"], list.RootElement.GetProperty("versions").EnumerateArray().Select(version => version.GetProperty("version").GetString()));
    }
}
