namespace Deployment.Tests;

/// <summary>The facts read from the code are the ones the code really has (so the checks built on them check something).</summary>
public sealed class CodeFactsTests
{
    [Fact]
    public void The_consumer_queues_are_read_from_the_code()
    {
        // One of each kind: a kebab-case name from the consumer type, a name set as a string literal in a
        // ConsumerDefinition, and one set through a constant.
        Assert.Contains("score-request", CodeFacts.ConsumerQueues);
        Assert.Contains("score-batch-chunk", CodeFacts.ConsumerQueues);
        Assert.Contains("feedback-collector-predictions-made", CodeFacts.ConsumerQueues);
        Assert.Contains("feature-builder-ingest-predictions", CodeFacts.ConsumerQueues);
        Assert.DoesNotContain("predictions-made", CodeFacts.ConsumerQueues);
    }

    [Fact]
    public void The_health_paths_are_the_ones_the_services_map()
    {
        Assert.Equal("/health/live", CodeFacts.LivePath);
        Assert.Equal("/health/ready", CodeFacts.ReadyPath);
    }
}
