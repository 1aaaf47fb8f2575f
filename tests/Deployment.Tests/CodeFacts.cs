using System.Text.RegularExpressions;
using MassTransit;

namespace Deployment.Tests;

/// <summary>
/// What the deployment files must agree with, read from the code itself rather than copied into the tests:
/// the queues the services consume from and the health endpoints they map.
/// </summary>
internal static partial class CodeFacts
{
    /// <summary>The liveness endpoint every service maps (shared/ServiceDefaults/HealthCheckExtensions.cs).</summary>
    public const string LivePath = ServiceDefaults.HealthCheckExtensions.LivePath;

    /// <summary>The readiness endpoint every service maps.</summary>
    public const string ReadyPath = ServiceDefaults.HealthCheckExtensions.ReadyPath;

    /// <summary>
    /// The queue of every consumer under services/*/Consumers: MassTransit's kebab-case name of the consumer
    /// (the bus uses SetKebabCaseEndpointNameFormatter: ScoreBatchChunkConsumer reads score-batch-chunk), or
    /// the EndpointName its ConsumerDefinition sets, as a string or as a constant declared in the code.
    /// </summary>
    public static IReadOnlySet<string> ConsumerQueues { get; } = FindConsumerQueues();

    private static HashSet<string> FindConsumerQueues()
    {
        var sources = Repository.SourceFiles("*.cs").ToDictionary(path => path, File.ReadAllText);
        var constants = sources.Values
            .SelectMany(text => StringConstant().Matches(text))
            .GroupBy(match => match.Groups["name"].Value)
            .ToDictionary(group => group.Key, group => group.First().Groups["value"].Value);

        var queues = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, text) in sources)
        {
            if (!path.Contains($"{Path.DirectorySeparatorChar}Consumers{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
                !path.Contains($"{Path.DirectorySeparatorChar}services{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match consumer in ConsumerClass().Matches(text))
            {
                var name = consumer.Groups["name"].Value;
                // Two services may each have a consumer of the same name (Monitor and FeedbackCollector both read
                // PredictionsMade): the definition is the one in the consumer's own service.
                var service = ServiceFolder(path);
                var definition = sources
                    .Where(other => ServiceFolder(other.Key) == service)
                    .Select(other => other.Value)
                    .FirstOrDefault(other => other.Contains($"ConsumerDefinition<{name}Consumer>", StringComparison.Ordinal));
                var named = definition is null ? null : EndpointName().Match(definition);
                if (named is { Success: true })
                {
                    var value = named.Groups["value"].Value;
                    queues.Add(value.StartsWith('"') ? value.Trim('"')
                        : constants.TryGetValue(value.Split('.')[^1], out var constant) ? constant
                        : throw new InvalidOperationException($"The endpoint name {value} of {name}Consumer is not a string constant in the code."));
                }
                else
                {
                    queues.Add(KebabCaseEndpointNameFormatter.Instance.SanitizeName(name));
                }
            }
        }

        return queues;
    }

    private static string ServiceFolder(string path)
    {
        var parts = path.Split(Path.DirectorySeparatorChar);
        var services = Array.LastIndexOf(parts, "services");
        return services >= 0 && services + 1 < parts.Length ? parts[services + 1] : "";
    }

    // Primary constructors may stand between the name and the base list, over several lines.
    [GeneratedRegex(@"class\s+(?<name>\w+)Consumer\b[^{;]*?:\s*IConsumer<")]
    private static partial Regex ConsumerClass();

    [GeneratedRegex(@"EndpointName\s*=\s*(?<value>""[^""]+""|[\w.]+)\s*;")]
    private static partial Regex EndpointName();

    [GeneratedRegex(@"const\s+string\s+(?<name>\w+)\s*=\s*""(?<value>[^""]*)""")]
    private static partial Regex StringConstant();
}
