using Modeling.Cards;
using Retrainer.Registry;
using Retrainer.Retraining;

namespace Retrainer.Endpoints;

/// <summary>
/// The checks on a version that names a retraining job (<c>lineage.retrainingJob</c>), an external trainer's answer:
/// the job must be the model's and wait for a version, and the version must be comparable with the champion (the same
/// task and, for a classifier, the same labels in the same order).
/// </summary>
public static class ExternalVersion
{
    /// <summary>The card's field that names the job.</summary>
    public const string JobField = "card.lineage.retrainingJob";

    /// <summary>The problem with registering <paramref name="card"/> for job <paramref name="jobId"/>, or null when there is none.</summary>
    public static async Task<IResult?> ProblemAsync(ModelCard card, string jobId, ModelRegistry registry, RetrainingJobs jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(jobs);
        if (await jobs.WaitingAsync(card.Name, jobId, cancellationToken) is null)
        {
            return await jobs.FindAsync(card.Name, jobId, cancellationToken) is { } job
                ? TypedResults.Problem(
                    $"Retraining job {jobId} of '{card.Name}' is {job.State.Name()}, not waiting for a version ({JobField}); register the version without naming the job, or start a new retraining.",
                    statusCode: StatusCodes.Status409Conflict, title: "Retraining job not waiting")
                : VersionUpload.Invalid(new() { [JobField] = [$"names no retraining job of '{card.Name}': '{jobId}'."] });
        }

        if (await registry.ServedVersionAsync(card.Name, cancellationToken) is { } served
            && await registry.DescribeAsync(card.Name, served, cancellationToken) is { } champion)
        {
            if (card.Task != champion.Card.Task)
                return VersionUpload.Invalid(new() { ["card.task"] = [$"is {Name(card.Task)} but the champion {served} is {Name(champion.Card.Task)}: the versions are compared on the same task."] });
            if (card.Task != ModelTask.Regression && !card.Output.Labels.SequenceEqual(champion.Card.Output.Labels, StringComparer.Ordinal))
            {
                return VersionUpload.Invalid(new()
                {
                    ["card.output.labels"] = [$"are [{string.Join(", ", card.Output.Labels)}] but the champion {served}'s are [{string.Join(", ", champion.Card.Output.Labels)}]: the versions are compared label by label."],
                });
            }
        }

        return null;
    }

    private static string Name(ModelTask task) => ChampionChallengerEvaluation.TaskName(task);
}
