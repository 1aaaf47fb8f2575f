using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Contracts.Rollouts;

/// <summary>
/// Where an entity key falls in a rollout's traffic, a number in [0, 1): the challenger answers the keys below
/// the challenger's share. The same key always falls at the same place within one rollout (sticky A/B and canary
/// assignment, on every replica), and a growing canary share keeps the keys it had. Different rollouts shuffle keys anew.
/// </summary>
public static class StickyBucket
{
    /// <summary>The place of <paramref name="entityKey"/> in rollout <paramref name="rolloutId"/>.</summary>
    public static double Of(string rolloutId, string entityKey)
    {
        ArgumentNullException.ThrowIfNull(rolloutId);
        ArgumentNullException.ThrowIfNull(entityKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(rolloutId + "\n" + entityKey), hash);
        // The top 53 bits make an exactly representable double in [0, 1).
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }
}
