using System.Text.Json;
using Retrainer.Retraining;
using Retrainer.Rollouts;
using ServiceDefaults;

namespace Retrainer.Tests;

/// <summary>The states' names at the edges (messages, the API, stored documents) are the strings they always were.</summary>
public sealed class StateNamesTests
{
    [Fact]
    public void Rollout_states_are_named_running_paused_promoted_and_rolled_back_in_messages_and_in_the_apis_json()
    {
        string[] names = ["running", "paused", "promoted", "rolled-back"];
        Assert.Equal(names, Enum.GetValues<RolloutState>().Select(state => state.Name()));
        Assert.Equal(names.Select(name => $"\"{name}\""), Enum.GetValues<RolloutState>().Select(state => JsonSerializer.Serialize(state, ApiJson.Options)));
        Assert.Equal(RolloutState.RolledBack, JsonSerializer.Deserialize<RolloutState>("\"rolled-back\"", ApiJson.Options));
    }

    [Fact]
    public void Retraining_job_states_are_named_running_succeeded_failed_skipped_waiting_and_expired_at_the_api_and_in_its_json()
    {
        string[] names = ["running", "succeeded", "failed", "skipped", "waiting", "expired"];
        Assert.Equal(names, Enum.GetValues<RetrainingJobState>().Select(state => state.Name()));
        Assert.Equal(names.Select(name => $"\"{name}\""), Enum.GetValues<RetrainingJobState>().Select(state => JsonSerializer.Serialize(state, ApiJson.Options)));
    }
}
