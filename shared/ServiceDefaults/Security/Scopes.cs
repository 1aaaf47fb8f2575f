namespace ServiceDefaults.Security;

/// <summary>
/// What a caller may do (docs/security.md): each public operation requires one scope, carried by an API key or by a
/// token's <c>scope</c>/<c>scp</c>/<c>roles</c> claims.
/// </summary>
public static class Scopes
{
    /// <summary>Online and batch predictions.</summary>
    public const string Predict = "predict";

    /// <summary>Ground truth: outcomes that become the next model's labels.</summary>
    public const string Feedback = "feedback";

    /// <summary>Reading models, predictions, batches, monitoring and the dashboard.</summary>
    public const string Read = "read";

    /// <summary>Registry writes, aliases, rollouts, retrainings and keys.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope, in the order above.</summary>
    public static readonly IReadOnlyList<string> All = [Predict, Feedback, Read, Admin];

    /// <summary>Whether <paramref name="scope"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string? scope) => scope is not null && All.Contains(scope, StringComparer.Ordinal);
}
