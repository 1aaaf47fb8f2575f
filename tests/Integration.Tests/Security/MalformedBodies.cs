using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Integration.Tests.Security;

/// <summary>
/// Malformed request bodies from a seeded generator (the same bodies on every run): random bytes, JSON of random shape
/// with extreme values, truncated JSON, nesting deeper than any parser allows, broken multipart, under content types
/// that match the body or not.
/// </summary>
public sealed class MalformedBodies(int seed)
{
    private static readonly string[] ContentTypes =
        ["application/json", "text/csv", "application/x-ndjson", "application/vnd.apache.parquet", "application/octet-stream", "text/plain", "multipart/form-data; boundary=fuzz"];

    private static readonly string[] Extremes =
        ["1e400", "-1e400", "NaN", "\"NaN\"", "18446744073709551616", "-0", "0.0000000000000000000000001", "\"\\u0000\"", "\"\\ud800\"", "true", "null", "[]", "{}", "\"..\"", "\"../../etc/passwd\"", "\"=cmd|' /C calc'!A0\""];

    private readonly Random _random = new(seed);

    /// <summary>The next body with the content type it is sent under (null: none).</summary>
    public (HttpContent Content, string Kind) Next()
    {
        var kind = _random.Next(6);
        var (bytes, name) = kind switch
        {
            0 => (RandomBytes(_random.Next(0, 400)), "random bytes"),
            1 => (Encoding.UTF8.GetBytes(RandomJson(depth: 0)), "random JSON"),
            2 => (Truncated(Encoding.UTF8.GetBytes(RandomJson(depth: 0))), "truncated JSON"),
            3 => (Encoding.UTF8.GetBytes(new string('[', _random.Next(65, 400)) + new string(']', _random.Next(0, 400))), "deep nesting"),
            4 => (Encoding.UTF8.GetBytes(BrokenMultipart()), "broken multipart"),
            _ => (Encoding.UTF8.GetBytes(RandomRecords()), "odd records"),
        };
        var content = new ByteArrayContent(bytes);
        var type = _random.Next(8) == 0 ? null : ContentTypes[_random.Next(ContentTypes.Length)];
        if (type is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return (content, $"{name} as {type ?? "no content type"}");
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private byte[] Truncated(byte[] bytes) => bytes.Length < 2 ? bytes : bytes[..(_random.Next(1, bytes.Length))];

    private string RandomJson(int depth)
    {
        var choice = depth > 4 ? _random.Next(4) : _random.Next(7);
        return choice switch
        {
            0 => Extremes[_random.Next(Extremes.Length)],
            1 => _random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
            2 => "\"" + new string((char)_random.Next(32, 0x2FF), _random.Next(0, 1500)).Replace("\\", "/", StringComparison.Ordinal).Replace("\"", "'", StringComparison.Ordinal) + "\"",
            3 => _random.Next(2) == 0 ? "\"\"" : "-",
            4 => "[" + string.Join(',', Enumerable.Range(0, _random.Next(0, 5)).Select(_ => RandomJson(depth + 1))) + "]",
            _ => "{" + string.Join(',', Enumerable.Range(0, _random.Next(0, 6)).Select(_ => $"\"{FieldName()}\":{RandomJson(depth + 1)}")) + "}",
        };
    }

    // Names the platform's bodies use, so the generator reaches past the first check.
    private string FieldName() =>
        new[] { "inputs", "outputs", "name", "datatype", "shape", "data", "outcomes", "predictionId", "model", "entityKey", "actual", "observedAt",
            "version", "strategy", "scopes", "expiresAt", "reason", "share", "steps", "card", "records", "date", "distance", "x" }[_random.Next(24)];

    private string BrokenMultipart() =>
        "--fuzz\r\nContent-Disposition: form-data; name=\"" + FieldName() + "\"; filename=\"" + Extremes[_random.Next(Extremes.Length)].Trim('"') + "\"\r\n" +
        "Content-Type: " + ContentTypes[_random.Next(ContentTypes.Length)] + "\r\n\r\n" + RandomJson(0) + (_random.Next(2) == 0 ? "\r\n--fuzz--\r\n" : "");

    private string RandomRecords() =>
        string.Join(_random.Next(2) == 0 ? "\n" : "\r\n", Enumerable.Range(0, _random.Next(1, 8)).Select(_ =>
            string.Join(',', Enumerable.Range(0, _random.Next(1, 6)).Select(_ => _random.Next(3) == 0 ? "\"" + RandomJson(2) : RandomJson(3)))));
}
