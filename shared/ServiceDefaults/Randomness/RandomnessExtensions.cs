using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.Randomness;

/// <summary>Registers the process's one source of randomness, <see cref="Random"/>, as time is <see cref="TimeProvider"/>.</summary>
public static class RandomnessExtensions
{
    /// <summary>
    /// Adds <see cref="Random"/>: <see cref="Random.Shared"/>, or a <see cref="SynchronizedRandom"/> with
    /// <see cref="RandomnessOptions.Seed"/> when one is set. Code that chooses at random takes it from DI (tests
    /// replace it or set the seed), never <see cref="Random.Shared"/> or <c>new Random()</c> itself.
    /// </summary>
    public static IHostApplicationBuilder AddRandomness(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<RandomnessOptions>(RandomnessOptions.SectionName);
        builder.Services.TryAddSingleton<Random>(services =>
            services.GetRequiredService<IOptions<RandomnessOptions>>().Value.Seed is { } seed ? new SynchronizedRandom(seed) : Random.Shared);
        return builder;
    }
}
