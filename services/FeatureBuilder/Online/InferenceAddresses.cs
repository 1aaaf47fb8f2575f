using Grpc.Net.Client.Balancer;

namespace FeatureBuilder.Online;

/// <summary>
/// <c>FeatureBuilder:InferenceAddress</c> read: <c>dns:///host:port</c> (every address the name resolves to) or
/// <c>static:///host1:port1,host2:port2</c> (these), with what is wrong with it when it is neither.
/// </summary>
/// <param name="Dns">Whether the addresses come from DNS.</param>
/// <param name="Addresses">The static addresses (for DNS, the one name and port).</param>
/// <param name="Error">What is wrong, or null.</param>
public sealed record InferenceAddresses(bool Dns, IReadOnlyList<BalancerAddress> Addresses, string? Error)
{
    /// <summary>Reads the setting.</summary>
    public static InferenceAddresses Parse(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var (dns, list) = setting.StartsWith("dns:///", StringComparison.Ordinal) ? (true, setting["dns:///".Length..])
            : setting.StartsWith("static:///", StringComparison.Ordinal) ? (false, setting["static:///".Length..])
            : (false, (string?)null);
        if (list is null)
            return Invalid(setting, "must start with dns:/// or static:///");
        var addresses = new List<BalancerAddress>();
        foreach (var entry in list.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(entry[(colon + 1)..], out var port) || port is <= 0 or > 65535)
                return Invalid(setting, $"has '{entry}' where host:port belongs");
            addresses.Add(new BalancerAddress(entry[..colon], port));
        }

        if (dns && addresses.Count != 1)
            return Invalid(setting, "takes one name after dns:/// (the name resolves to every replica)");
        return new InferenceAddresses(dns, addresses, null);
    }

    private static InferenceAddresses Invalid(string setting, string error) => new(false, [], $"'{setting}' {error}, e.g. dns:///inference-grpc:8081 or static:///10.0.0.5:8081,10.0.0.6:8081.");
}
