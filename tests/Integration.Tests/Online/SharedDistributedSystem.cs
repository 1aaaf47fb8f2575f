namespace Integration.Tests.Online;

/// <summary>
/// Test classes that share one <see cref="SharedSystem"/> (a distributed system's start takes the longest of any fixture): they run
/// one after the other on it, and none leaves it changed for the next (a test that kills a service restarts it and
/// waits until it is live again).
/// </summary>
[StartEarly]
[CollectionDefinition(Name)]
public sealed class SharedDistributedSystem : ICollectionFixture<SharedSystem>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "One distributed system";
}
