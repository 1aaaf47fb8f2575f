namespace Integration.Tests;

/// <summary>A test's own virtual host on the local broker; deleted on dispose.</summary>
public sealed class RabbitMqVirtualHost(string name, RabbitMqFixture broker) : IAsyncDisposable
{
    public string Name { get; } = name;

    /// <summary>The environment variables that point a service's bus at this virtual host.</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment() => new Dictionary<string, string>
    {
        ["Messaging__Transport"] = "RabbitMq",
        ["Messaging__RabbitMq__Host"] = RabbitMqFixture.Host,
        ["Messaging__RabbitMq__Port"] = RabbitMqFixture.AmqpPort.ToString(),
        ["Messaging__RabbitMq__VirtualHost"] = Name,
        ["Messaging__RabbitMq__Username"] = RabbitMqFixture.Username,
        ["Messaging__RabbitMq__Password"] = RabbitMqFixture.Password,
    };

    public ValueTask DisposeAsync() => new(broker.DeleteVirtualHostAsync(Name));
}
