using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlp.Connection;
using Spectre.Console;

namespace Mlp.Commands;

/// <summary>
/// <c>mlp predict MODEL FIELD=VALUE …</c> or <c>mlp predict MODEL --file FILE</c> (a JSON record or array of records;
/// <c>-</c> reads standard input): the online prediction of each record, or the fields the platform refused.
/// </summary>
public static class PredictCommand
{
    /// <summary>The <c>predict</c> command.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var model = new Argument<string>("MODEL") { Description = "The model's name, e.g. flight-delay." };
        var fields = new Argument<string[]>("FIELD=VALUE")
        {
            Description = "The record's fields, e.g. origin=ORD distance=1744 (sent as a number where the model's field is numeric). `mlp models show MODEL` lists them.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var file = new Option<string?>("--file", "-f") { Description = "A JSON file holding one record or an array of records (at most 1,000); - reads standard input." };
        var predict = new Command("predict", "Predicts one record given as FIELD=VALUE arguments, or the records of a JSON file.");
        predict.Arguments.Add(model);
        predict.Arguments.Add(fields);
        predict.Options.Add(file);
        predict.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var path = $"/api/v1/models/{Uri.EscapeDataString(run.Parsed.GetValue(model)!)}";
            var given = run.Parsed.GetValue(fields) ?? [];
            // Which fields are numeric, from the model's description, so that a number typed on the command line goes as one.
            var numeric = given.Length == 0 ? [] : NumericFields(await run.Client.GetAsync(path, cancellationToken));
            var body = Body(given, run.Parsed.GetValue(file), Console.In, numeric);
            var answer = await run.Client.PostJsonAsync($"{path}/predict", body, cancellationToken);
            if (run.Terminal.Json)
                run.Terminal.WriteJson(answer);
            else if (answer.TryGetProperty("results", out var results))
                WriteMany(run.Terminal, answer, results);
            else
                WriteOne(run.Terminal, answer);
            return 0;
        }));
        return predict;
    }

    /// <summary>
    /// The request body: the fields as one JSON object (a numeric field's value as a JSON number when it reads as one; every
    /// other value as text, which the platform checks), or the file's JSON as it is (checked to be JSON first).
    /// </summary>
    internal static string Body(IReadOnlyList<string> fields, string? file, TextReader standardInput, IReadOnlySet<string> numeric)
    {
        if (file is not null && fields.Count > 0)
            throw new MlpException("Give the record either as FIELD=VALUE arguments or with --file, not both.");
        if (file is not null)
        {
            string text;
            try
            {
                text = file == "-" ? standardInput.ReadToEnd() : File.ReadAllText(file);
            }
            catch (IOException exception)
            {
                throw new MlpException($"Cannot read {file}: {exception.Message}", exception);
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                    throw new MlpException($"{file} must hold a JSON object (one record) or an array of records.");
            }
            catch (JsonException exception)
            {
                throw new MlpException($"{file} is not JSON: {exception.Message}", exception);
            }

            return text;
        }

        if (fields.Count == 0)
            throw new MlpException("Give the record as FIELD=VALUE arguments (mlp models show MODEL lists the fields) or with --file.");
        var record = new JsonObject();
        foreach (var field in fields)
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new MlpException($"'{field}' is not FIELD=VALUE.");
            var (name, value) = (field[..equals], field[(equals + 1)..]);
            if (record.ContainsKey(name))
                throw new MlpException($"The field '{name}' is given twice.");
            record[name] = numeric.Contains(name) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                ? JsonValue.Create(number)
                : JsonValue.Create(value);
        }

        return record.ToJsonString();
    }

    private static HashSet<string> NumericFields(JsonElement description) =>
        [.. description.GetProperty("fields").EnumerateArray().Where(field => ModelsCommands.Text(field, "kind") == "numeric").Select(field => ModelsCommands.Text(field, "name"))];

    private static void WriteOne(Terminal terminal, JsonElement answer)
    {
        var grid = new Grid().AddColumn().AddColumn();
        foreach (var (label, name) in new[] { ("Label", "label"), ("Probability", "probability"), ("Value", "value"), ("Model", "model"), ("Version", "version"), ("Prediction id", "predictionId"), ("Entity key", "entityKey") })
        {
            var text = ModelsCommands.Text(answer, name);
            if (text.Length > 0)
                grid.AddRow(ModelsCommands.Cell(label), ModelsCommands.Cell(text));
        }

        // A multiclass model's answer: every label's probability, in the card's order.
        if (answer.TryGetProperty("probabilities", out var probabilities) && probabilities.ValueKind == JsonValueKind.Object)
        {
            grid.AddRow(ModelsCommands.Cell("Per label"), ModelsCommands.Cell(string.Join(", ", probabilities.EnumerateObject()
                .Select(entry => $"{entry.Name} {entry.Value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture)}"))));
        }

        terminal.Write(grid);
    }

    private static void WriteMany(Terminal terminal, JsonElement answer, JsonElement results)
    {
        var table = new Table().AddColumns("#", "Label", "Probability", "Value", "Version", "Prediction id", "Errors");
        foreach (var result in results.EnumerateArray())
        {
            var errors = result.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array
                ? string.Join("; ", list.EnumerateArray().Select(error => $"{ModelsCommands.Text(error, "field")}: {ModelsCommands.Text(error, "message")}"))
                : "";
            table.AddRow(
                ModelsCommands.Cell(ModelsCommands.Text(result, "index")), ModelsCommands.Cell(ModelsCommands.Text(result, "label")),
                ModelsCommands.Cell(ModelsCommands.Text(result, "probability")), ModelsCommands.Cell(ModelsCommands.Text(result, "value")),
                ModelsCommands.Cell(ModelsCommands.Text(result, "version")), ModelsCommands.Cell(ModelsCommands.Text(result, "predictionId")),
                ModelsCommands.Cell(errors));
        }

        terminal.Write(table);
        terminal.WriteLine($"{ModelsCommands.Text(answer, "predicted")} predicted, {ModelsCommands.Text(answer, "invalid")} invalid ({ModelsCommands.Text(answer, "model")} version {ModelsCommands.Text(answer, "version")})");
    }
}
