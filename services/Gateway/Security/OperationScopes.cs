using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing.Template;

namespace Gateway.Security;

/// <summary>
/// The scope of every operation of the public OpenAPI document (the security requirements each service writes from
/// its endpoints' own scopes): what the gateway requires before it forwards a request, so a service's scope is
/// enforced at the edge as well as in the service. Built from one version of the document.
/// </summary>
public sealed class OperationScopes
{
    private static readonly HashSet<string> Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private readonly List<Operation> _operations;

    private OperationScopes(List<Operation> operations) => _operations = operations;

    /// <summary>The operations of <paramref name="document"/> (the public document as JSON) with their scopes.</summary>
    public static OperationScopes Of(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"] as JsonObject ?? [])
        {
            if (item is not JsonObject members)
                continue;
            var template = TemplateParser.Parse(path.TrimStart('/'));
            foreach (var (method, operation) in members.Where(member => Methods.Contains(member.Key)))
            {
                var scope = (operation?["security"] as JsonArray ?? [])
                    .OfType<JsonObject>()
                    .SelectMany(requirement => requirement.Select(scheme => scheme.Value as JsonArray ?? []))
                    .SelectMany(scopes => scopes)
                    .Select(value => value?.GetValue<string>())
                    .FirstOrDefault(value => value is not null);
                operations.Add(new Operation(method.ToUpperInvariant(), new TemplateMatcher(template, []), template.Parameters.Count, scope));
            }
        }

        // A literal segment wins over a parameter (…/rollouts/active before …/rollouts/{rolloutId}), as in the services.
        operations.Sort((left, right) => left.Parameters.CompareTo(right.Parameters));
        return new OperationScopes(operations);
    }

    /// <summary>The operation <paramref name="method"/> <paramref name="path"/> is, or null when the document has none such.</summary>
    public OperationScope? Find(string method, PathString path)
    {
        ArgumentNullException.ThrowIfNull(method);
        foreach (var operation in _operations)
        {
            if (string.Equals(operation.Method, method, StringComparison.OrdinalIgnoreCase) && operation.Matcher.TryMatch(path, []))
                return new OperationScope(operation.Scope);
        }

        return null;
    }

    private sealed record Operation(string Method, TemplateMatcher Matcher, int Parameters, string? Scope);
}

/// <summary>A documented operation's scope; null when it is open to anyone.</summary>
/// <param name="Scope">The scope it requires.</param>
public sealed record OperationScope(string? Scope);
