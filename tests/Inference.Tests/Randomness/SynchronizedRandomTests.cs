using ServiceDefaults.Randomness;

namespace Inference.Tests.Randomness;

/// <summary>The seeded random source that Inference's concurrent consumers share (<c>Randomness__Seed</c>).</summary>
public sealed class SynchronizedRandomTests
{
    [Fact]
    public void It_draws_the_sequence_of_its_seed()
    {
        var seeded = new Random(2001);
        var shared = new SynchronizedRandom(2001);

        Assert.Equal(Enumerable.Range(0, 100).Select(_ => seeded.NextDouble()), Enumerable.Range(0, 100).Select(_ => shared.NextDouble()));
        Assert.Equal(Enumerable.Range(0, 100).Select(_ => seeded.Next(10)), Enumerable.Range(0, 100).Select(_ => shared.Next(10)));
    }

    [Fact]
    public void Threads_drawing_at_once_get_every_draw_of_the_sequence_once()
    {
        var shared = new SynchronizedRandom(7);
        var expected = new Random(7);
        var draws = new double[4][];

        Parallel.For(0, draws.Length, new ParallelOptions { MaxDegreeOfParallelism = draws.Length }, thread =>
            draws[thread] = [.. Enumerable.Range(0, 50_000).Select(_ => shared.NextDouble())]);

        // An unsynchronized Random shared so loses draws to races and can end up returning 0 forever.
        Assert.Equal(Enumerable.Range(0, 200_000).Select(_ => expected.NextDouble()).Order(), draws.SelectMany(thread => thread).Order());
    }
}
