using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using CsvHelper.Configuration;
using Mlp.Connection;

namespace Mlp.Feedback;

/// <summary>One outcome of a file and the line it starts on.</summary>
/// <param name="Line">The file's line (1 is the first; a CSV's header is line 1).</param>
/// <param name="Outcome">The outcome object as the platform takes it.</param>
public sealed record OutcomeLine(int Line, JsonObject Outcome);

/// <summary>
/// A file of outcomes, read one at a time: CSV with a header naming the outcome's members (<c>outcomeId</c>,
/// <c>predictionId</c>, <c>model</c>, <c>entityKey</c>, <c>value</c>, <c>label</c>, <c>observedAt</c>; other columns
/// are left out), or JSON Lines of outcome objects, sent as they are. A CSV's <c>value</c> goes as a number when it reads as
/// one (else as the text, which the platform refuses naming the line); an empty cell is left out. A model given apart
/// (<c>--model</c>) is added to every outcome that names an entity and no model. How far the reading got is
/// <see cref="Position"/> of <see cref="Length"/> bytes.
/// </summary>
public sealed class OutcomeFile : IDisposable
{
    private static readonly string[] Members = ["outcomeId", "predictionId", "model", "entityKey", "value", "label", "observedAt"];
    private readonly FileStream _stream;
    private readonly string _path;
    private readonly string? _model;

    private OutcomeFile(FileStream stream, string path, string? model)
    {
        _stream = stream;
        _path = path;
        _model = model;
    }

    /// <summary>The file's size in bytes.</summary>
    public long Length => _stream.Length;

    /// <summary>How many bytes have been read (ahead of the outcomes handed out by up to a buffer).</summary>
    public long Position => _stream.Position;

    /// <summary>Opens <paramref name="path"/> (a <c>.csv</c>, <c>.jsonl</c> or <c>.ndjson</c> file).</summary>
    public static OutcomeFile Open(string path, string? model)
    {
        if (Path.GetExtension(path).ToLowerInvariant() is not (".csv" or ".jsonl" or ".ndjson"))
            throw new MlpException($"{path} must be a .csv or .jsonl file of outcomes.");
        try
        {
            return new OutcomeFile(File.OpenRead(path), path, model);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new MlpException($"Cannot read {path}: {exception.Message}", exception);
        }
    }

    /// <summary>The outcomes in file order; an <see cref="MlpException"/> naming the line when one cannot be read.</summary>
    public IEnumerable<OutcomeLine> Read() =>
        Path.GetExtension(_path).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? ReadCsv() : ReadJsonLines();

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    private IEnumerable<OutcomeLine> ReadCsv()
    {
        using var reader = new StreamReader(_stream, leaveOpen: true);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { DetectColumnCountChanges = true });
        if (!csv.Read() || !csv.ReadHeader())
            throw new MlpException($"{_path} is empty: a CSV of outcomes starts with a header, e.g. entityKey,value.");
        var header = csv.HeaderRecord!;
        // Each member's column, found whatever the header's case.
        var columns = Members
            .Select(member => (Member: member, Column: Array.FindIndex(header, name => name.Trim().Equals(member, StringComparison.OrdinalIgnoreCase))))
            .Where(pair => pair.Column >= 0)
            .ToList();
        var named = columns.Select(pair => pair.Member).ToHashSet(StringComparer.Ordinal);
        if (!named.Contains("predictionId") && !named.Contains("entityKey"))
            throw new MlpException($"{_path}: the header names neither predictionId nor entityKey: each outcome needs one (the header is {string.Join(",", header)}).");
        if (!named.Contains("value") && !named.Contains("label"))
            throw new MlpException($"{_path}: the header names neither value nor label: each outcome needs one (the header is {string.Join(",", header)}).");
        if (!named.Contains("predictionId") && !named.Contains("model") && _model is null)
            throw new MlpException($"{_path}: outcomes by entityKey need their model: a model column, or --model.");

        while (ReadRow(csv))
        {
            var outcome = new JsonObject();
            foreach (var (member, column) in columns)
            {
                var cell = csv.GetField(column);
                if (string.IsNullOrEmpty(cell))
                    continue;
                outcome[member] = member == "value" && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? JsonValue.Create(number)
                    : JsonValue.Create(cell);
            }

            yield return new OutcomeLine(csv.Parser.RawRow, WithModel(outcome));
        }
    }

    private bool ReadRow(CsvReader csv)
    {
        try
        {
            return csv.Read();
        }
        catch (CsvHelperException exception)
        {
            throw new MlpException($"{_path}, line {csv.Parser.RawRow}: not a CSV row of the header's columns ({exception.GetType().Name}).", exception);
        }
    }

    private IEnumerable<OutcomeLine> ReadJsonLines()
    {
        using var reader = new StreamReader(_stream, leaveOpen: true);
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            JsonObject outcome;
            try
            {
                outcome = JsonNode.Parse(text) as JsonObject
                    ?? throw new MlpException($"{_path}, line {line}: an outcome is a JSON object, e.g. {{\"entityKey\":\"UA123\",\"value\":37}}.");
            }
            catch (JsonException exception)
            {
                throw new MlpException($"{_path}, line {line}: not JSON ({exception.Message}).", exception);
            }

            yield return new OutcomeLine(line, WithModel(outcome));
        }
    }

    private JsonObject WithModel(JsonObject outcome)
    {
        if (_model is not null && outcome.ContainsKey("entityKey") && !outcome.ContainsKey("model"))
            outcome["model"] = _model;
        return outcome;
    }
}
