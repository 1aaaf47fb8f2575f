using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mlp.Connection;

namespace Mlp.Feedback;

/// <summary>What sending a file of outcomes did: the receipts counted by status.</summary>
/// <param name="Sent">Outcomes sent and accepted.</param>
/// <param name="Joined">Joined to their predictions.</param>
/// <param name="Pending">Waiting for their predictions (joined when they arrive).</param>
/// <param name="Duplicate">Copies of outcomes the platform already had (counted once).</param>
public sealed record FeedbackSummary(int Sent, int Joined, int Pending, int Duplicate);

/// <summary>
/// Sends a file's outcomes to <c>POST /api/v1/feedback</c> in requests of <c>chunk</c> outcomes, in file order. A request
/// the platform refuses is stored by none of its outcomes: the send stops there, and the error names each refused
/// outcome's line and field, and how many outcomes before it were accepted (sending the file again counts an outcome with
/// an <c>outcomeId</c> once).
/// </summary>
public static partial class OutcomeSender
{
    /// <summary>Sends every outcome of <paramref name="file"/>; <paramref name="progress"/> hears the outcomes accepted so far.</summary>
    public static async Task<FeedbackSummary> SendAsync(
        PlatformClient client, OutcomeFile file, string name, int chunk, Action<FeedbackSummary> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(progress);
        var summary = new FeedbackSummary(0, 0, 0, 0);
        var pending = new List<OutcomeLine>(chunk);
        try
        {
            foreach (var outcome in file.Read())
            {
                pending.Add(outcome);
                if (pending.Count < chunk)
                    continue;
                summary = await SendChunkAsync(client, name, pending, summary, cancellationToken);
                progress(summary);
                pending.Clear();
            }
        }
        catch (MlpException exception) when (exception is not ApiProblem)
        {
            throw new MlpException($"{exception.Message}{Environment.NewLine}{Accepted(summary)}", exception);
        }

        if (pending.Count > 0)
            summary = await SendChunkAsync(client, name, pending, summary, cancellationToken);
        progress(summary);
        return summary;
    }

    private static async Task<FeedbackSummary> SendChunkAsync(
        PlatformClient client, string name, List<OutcomeLine> outcomes, FeedbackSummary before, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["outcomes"] = new JsonArray([.. outcomes.Select(outcome => (JsonNode)outcome.Outcome.DeepClone())]) };
        try
        {
            var answer = await client.PostJsonAsync("/api/v1/feedback", body.ToJsonString(), cancellationToken);
            var statuses = answer.GetProperty("outcomes").EnumerateArray().Select(receipt => receipt.GetProperty("status").GetString()).ToList();
            return new FeedbackSummary(
                before.Sent + statuses.Count,
                before.Joined + statuses.Count(status => status == "joined"),
                before.Pending + statuses.Count(status => status == "pending"),
                before.Duplicate + statuses.Count(status => status == "duplicate"));
        }
        catch (ApiProblem problem) when (problem.Errors.Count > 0)
        {
            // outcomes[3].value → line 1205: value.
            var lines = problem.Errors.Select(error => OutcomeIndex().Match(error.Key) is { Success: true } match
                && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is var index && index < outcomes.Count
                    ? $"  line {outcomes[index].Line}: {(match.Groups[2].Value is { Length: > 0 } field ? field : "outcome")}: {error.Value}"
                    : $"  {error.Key}: {error.Value}");
            throw new MlpException(
                $"{name}: the platform refused the outcomes of lines {outcomes[0].Line}–{outcomes[^1].Line} ({(int)problem.Status}; none of them was stored):"
                + $"{Environment.NewLine}{string.Join(Environment.NewLine, lines)}{Environment.NewLine}{Accepted(before)}", problem);
        }
    }

    private static string Accepted(FeedbackSummary summary) => summary.Sent == 0
        ? "No outcome was accepted before it."
        : $"Accepted before it: {summary.Sent:N0} outcome(s); sending the file again counts those with an outcomeId once.";

    [GeneratedRegex(@"^outcomes\[(\d+)\]\.?(.*)$")]
    private static partial Regex OutcomeIndex();
}
