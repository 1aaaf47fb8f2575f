using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using static Mlp.Commands.ModelsCommands;

namespace Mlp.Commands;

/// <summary><c>mlp audit</c>: the audit log of admin calls (who changed what, when, and with what result), newest first.</summary>
public static class AuditCommand
{
    /// <summary>The <c>audit</c> command.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var who = new Option<string?>("--who") { Description = "Only this caller's calls, e.g. key:0123456789ab or token:<sub>." };
        var outcome = new Option<string?>("--outcome") { Description = "succeeded, refused or failed." }.AcceptOnlyFromAmong("succeeded", "refused", "failed");
        var model = new Option<string?>("--model") { Description = "Only calls about this model." };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Recorded at or after this time (ISO 8601)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Recorded before this time (ISO 8601)." };
        var limit = new Option<int?>("--limit") { Description = "At most this many entries (1 to 1000; 100 by default)." };
        var audit = new Command("audit", "The audit log of admin calls (versions, aliases, rollouts, retrainings, datasets, keys), newest first.");
        foreach (var option in new Option[] { who, outcome, model, since, until, limit })
            audit.Options.Add(option);
        audit.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var query = new List<string>();
            void Add(string name, string? value)
            {
                if (value is not null)
                    query.Add($"{name}={Uri.EscapeDataString(value)}");
            }

            Add("who", run.Parsed.GetValue(who));
            Add("outcome", run.Parsed.GetValue(outcome));
            Add("model", run.Parsed.GetValue(model));
            Add("since", run.Parsed.GetValue(since)?.ToString("O", CultureInfo.InvariantCulture));
            Add("until", run.Parsed.GetValue(until)?.ToString("O", CultureInfo.InvariantCulture));
            Add("limit", run.Parsed.GetValue(limit)?.ToString(CultureInfo.InvariantCulture));
            var answer = await run.Client.GetAsync("/api/v1/audit" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var table = new Table().AddColumns("At", "Who", "Call", "Status", "Outcome", "Operation");
            foreach (var entry in answer.GetProperty("entries").EnumerateArray())
            {
                table.AddRow(
                    Cell(Text(entry, "at")), Cell(Text(entry, "who")), Cell($"{Text(entry, "method")} {Text(entry, "path")}"), Cell(Text(entry, "status")),
                    Cell(Text(entry, "outcome")), Cell(Text(entry, "operation")));
            }

            run.Terminal.Write(table);
            return 0;
        }));
        return audit;
    }
}
