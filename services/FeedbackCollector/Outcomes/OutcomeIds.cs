using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// Outcome ids: the caller's, or, when none is given, one derived from what identifies the outcome (its
/// prediction id; or its model, entity key and observation time), so that the same outcome sent twice gets
/// the same id and is stored once. <c>OutcomeRecorded</c> carries a UUID: the id itself when it is one,
/// else a name-based UUID of it (RFC 9562 version 8, SHA-256 of a namespace and the name), so the event id is as stable as the outcome id.
/// </summary>
public static class OutcomeIds
{
    // A fixed namespace of the platform's own, so the derived ids do not collide with other name-based ones.
    private static readonly Guid Namespace = new("6f1f8f2e-5b0a-4c39-9a51-3c0e7c1d2a64");

    /// <summary>The id of an outcome that names its prediction and has no id of its own.</summary>
    public static string ForPrediction(Guid predictionId) => NameBased($"prediction:{predictionId:D}").ToString("D");

    /// <summary>The id of an outcome given by model, entity key and observation time, with no id of its own.</summary>
    public static string ForEntity(string modelName, string entityKey, DateTimeOffset observedAt) =>
        NameBased(string.Create(CultureInfo.InvariantCulture, $"entity:{modelName}\n{entityKey}\n{observedAt.UtcTicks}")).ToString("D");

    /// <summary>The UUID that stands for <paramref name="outcomeId"/> in <c>OutcomeRecorded</c>.</summary>
    public static Guid EventIdOf(string outcomeId)
    {
        ArgumentNullException.ThrowIfNull(outcomeId);
        return Guid.TryParse(outcomeId, out var id) ? id : NameBased("outcome:" + outcomeId);
    }

    // RFC 9562 appendix B.2: SHA-256 of the namespace (network byte order) and the name, cut to 128 bits,
    // version 8, variant 10 (version 5 is the same with SHA-1, which the analyzers rightly refuse).
    private static Guid NameBased(string name)
    {
        Span<byte> input = stackalloc byte[16];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        input.CopyTo(buffer);
        nameBytes.CopyTo(buffer, 16);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
