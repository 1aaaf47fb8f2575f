using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Retrainer.Tests.Endpoints;

/// <summary>
/// Reasons longer than 500 characters or holding a control character (a forged log line), and a rollout's version that is
/// not a plain name: each answered 400 naming the field, with no retraining job and no rollout started.
/// </summary>
public sealed class CraftedTextTests(RetrainerHost host) : IClassFixture<RetrainerHost>
{
    private const string ModelPath = $"/api/v1/models/{RetrainerHost.Model}";

    public static TheoryData<string> Reasons => new()
    {
        new string('r', 501),
        "drift\n2026-12-07 INFO forged log line",
        "drift\u001b[31m",
    };

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task A_retraining_asked_for_with_such_a_reason_is_refused_and_no_job_is_recorded(string reason)
    {
        using var response = await host.Client.PostAsJsonAsync(new Uri($"{ModelPath}/retrainings", UriKind.Relative), new { reason });

        await AssertRefusedAsync(response, "reason");
        using var jobs = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri($"{ModelPath}/retrainings", UriKind.Relative)));
        Assert.Equal(0, jobs.RootElement.GetProperty("jobs").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task A_rollout_action_with_such_a_reason_is_refused(string reason)
    {
        using var response = await host.Client.PostAsJsonAsync(new Uri($"{ModelPath}/rollouts/any/pause", UriKind.Relative), new { reason });

        await AssertRefusedAsync(response, "reason");
    }

    [Theory]
    [InlineData("../1")]
    [InlineData("..")]
    [InlineData("1\n")]
    public async Task A_rollout_of_a_version_that_is_not_a_plain_name_is_refused_and_none_starts(string version)
    {
        using var response = await host.Client.PostAsJsonAsync(new Uri($"{ModelPath}/rollouts", UriKind.Relative), new { version, strategy = "canary" });

        await AssertRefusedAsync(response, "version");
        using var rollouts = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri($"{ModelPath}/rollouts", UriKind.Relative)));
        Assert.Equal(0, rollouts.RootElement.GetProperty("rollouts").GetArrayLength());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        using var problem = JsonDocument.Parse(body);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), $"no error under {field}: {body}");
        Assert.DoesNotContain('\n', messages[0].GetString()!);
    }
}
