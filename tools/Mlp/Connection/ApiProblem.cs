using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mlp.Connection;

/// <summary>
/// The platform refused a call: its status and the RFC 9457 problem details it answered with (title, detail, and the
/// errors per field), put into one message that names what to fix.
/// </summary>
public sealed partial class ApiProblem : MlpException
{
    private ApiProblem(HttpStatusCode status, string message, IReadOnlyDictionary<string, string> errors)
        : base(message)
    {
        Status = status;
        Errors = errors;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem's errors per field (the field's path, e.g. <c>outcomes[3].value</c>, and its messages joined), empty when it names none.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; }

    /// <summary>The problem of an answer that was not a success, from its body (problem details when it is JSON).</summary>
    public static ApiProblem Of(HttpMethod method, string path, HttpStatusCode status, string body)
    {
        ArgumentNullException.ThrowIfNull(method);
        var reason = Reason(status);
        var text = new StringBuilder($"{method} {path}: {(int)status} {reason}");
        var fieldErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(body);
            var problem = document.RootElement;
            if (problem.ValueKind == JsonValueKind.Object)
            {
                if (Text(problem, "title") is { } title && !reason.StartsWith(title, StringComparison.OrdinalIgnoreCase))
                    text.Append(": ").Append(title);
                if (Text(problem, "detail") is { } detail)
                    text.Append(Environment.NewLine).Append("  ").Append(detail);
                if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in errors.EnumerateObject())
                    {
                        var messages = field.Value.ValueKind == JsonValueKind.Array
                            ? string.Join("; ", field.Value.EnumerateArray().Select(message => message.ToString()))
                            : field.Value.ToString();
                        text.Append(Environment.NewLine).Append("  ").Append(field.Name).Append(": ").Append(messages);
                        fieldErrors[field.Name] = messages;
                    }
                }
            }
        }
        catch (JsonException)
        {
            if (!string.IsNullOrWhiteSpace(body))
                text.Append(Environment.NewLine).Append("  ").Append(body.Trim());
        }

        return new ApiProblem(status, text.ToString(), fieldErrors);
    }

    private static string? Text(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Reason(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "Unauthorized (give a key: --key, MLP_KEY or the config file)",
        HttpStatusCode.Forbidden => "Forbidden (the key lacks the scope this needs)",
        _ => Words().Replace(status.ToString(), " "),
    };

    // BadRequest → Bad Request.
    [GeneratedRegex("(?<=[a-z])(?=[A-Z])")]
    private static partial Regex Words();
}
