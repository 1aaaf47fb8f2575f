namespace ServiceDefaults.Randomness;

/// <summary>
/// A seeded <see cref="Random"/> that many threads may share: every draw takes a lock around one seeded generator, so
/// the sequence of draws is the seed's (in the order the threads take them). <see cref="Random.Shared"/> is thread-safe
/// but cannot be seeded; a seeded <c>new Random(seed)</c> cannot be shared (concurrent draws corrupt its state).
/// </summary>
public sealed class SynchronizedRandom(int seed) : Random
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public override int Next()
    {
        lock (_lock)
            return _random.Next();
    }

    /// <inheritdoc />
    public override int Next(int maxValue)
    {
        lock (_lock)
            return _random.Next(maxValue);
    }

    /// <inheritdoc />
    public override int Next(int minValue, int maxValue)
    {
        lock (_lock)
            return _random.Next(minValue, maxValue);
    }

    /// <inheritdoc />
    public override long NextInt64()
    {
        lock (_lock)
            return _random.NextInt64();
    }

    /// <inheritdoc />
    public override long NextInt64(long maxValue)
    {
        lock (_lock)
            return _random.NextInt64(maxValue);
    }

    /// <inheritdoc />
    public override long NextInt64(long minValue, long maxValue)
    {
        lock (_lock)
            return _random.NextInt64(minValue, maxValue);
    }

    /// <inheritdoc />
    public override double NextDouble()
    {
        lock (_lock)
            return _random.NextDouble();
    }

    /// <inheritdoc />
    public override float NextSingle()
    {
        lock (_lock)
            return _random.NextSingle();
    }

    /// <inheritdoc />
    public override void NextBytes(byte[] buffer)
    {
        lock (_lock)
            _random.NextBytes(buffer);
    }

    /// <inheritdoc />
    public override void NextBytes(Span<byte> buffer)
    {
        lock (_lock)
            _random.NextBytes(buffer);
    }

    /// <inheritdoc />
    protected override double Sample()
    {
        lock (_lock)
            return _random.NextDouble();
    }
}
