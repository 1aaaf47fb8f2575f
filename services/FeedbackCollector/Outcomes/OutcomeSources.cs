using System.Security.Claims;
using Modeling.Text;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// Who reported an outcome: its source, kept as <see cref="Outcome.ReportedBy"/> and carried to the labels
/// (<c>OutcomeRecorded.ReportedBy</c>, the Retrainer's labelled rows). The one place its forms are made
/// (docs/feedback.md#sources):
/// <list type="bullet">
/// <item>over HTTP, the authenticated caller's <c>sub</c> claim, as the platform's authentication makes it:
/// <c>key:&lt;key id&gt;</c> for an API key, <c>token:&lt;subject&gt;</c> for an OpenID Connect token;
/// <see cref="Anonymous"/> for a request without a credential (possible only with <c>Security:Enabled=false</c>);</item>
/// <item>on the broker, <c>broker:&lt;user&gt;</c>: the RabbitMQ user that published the outcome with the AMQP property
/// <c>user_id</c> (which RabbitMQ checks against the connection's user), and only a user of
/// <c>Feedback:TrustedBrokerUsers</c>.</item>
/// </list>
/// </summary>
public static class OutcomeSources
{
    /// <summary>The source of an outcome sent over HTTP without a credential (security turned off).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>What the source of an outcome published on the broker starts with.</summary>
    public const string BrokerPrefix = "broker:";

    /// <summary>The claim that names the authenticated caller.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The source of an outcome sent over HTTP by <paramref name="caller"/>: its <c>sub</c> claim, or <see cref="Anonymous"/>.</summary>
    public static string OfCaller(ClaimsPrincipal? caller) =>
        caller?.Identity?.IsAuthenticated == true && caller.FindFirst(SubjectClaim)?.Value is { Length: > 0 } subject
            ? subject
            : Anonymous;

    /// <summary>
    /// The source of an outcome published on the broker by <paramref name="user"/> (the validated <c>user_id</c>, null
    /// when the message had none): <c>broker:&lt;user&gt;</c> when the user is one of <paramref name="trusted"/>; else
    /// null, and <paramref name="problem"/> says why, for the error queue.
    /// </summary>
    public static string? OfBrokerUser(string? user, IReadOnlyCollection<string> trusted, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        var names = string.Join(", ", trusted);
        if (user is not { Length: > 0 })
        {
            problem = "The outcome was published without the AMQP property user_id. Outcomes are taken from the broker only from a " +
                $"trusted broker user (Feedback:TrustedBrokerUsers: {names}) that sets user_id to its own name.";
            return null;
        }

        if (!trusted.Contains(user, StringComparer.Ordinal))
        {
            problem = $"The outcome was published by the broker user '{UserText.Shown(user)}', which is not a trusted broker user " +
                $"(Feedback:TrustedBrokerUsers: {names}); its outcomes do not become labels.";
            return null;
        }

        problem = null;
        return BrokerPrefix + user;
    }
}
