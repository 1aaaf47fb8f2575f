namespace ServiceDefaults;

/// <summary>
/// How a service reaches the message bus. Bound from the <c>Messaging</c> section and validated at start-up.
/// </summary>
/// <remarks>
/// <para>The broker is configured with separate keys, not a connection string, so each can be overridden
/// alone (a different virtual host per test, a password from a secret):</para>
/// <list type="table">
/// <listheader><term>key</term><description>environment variable (default)</description></listheader>
/// <item><term><c>Messaging:Transport</c></term><description><c>Messaging__Transport</c> (<c>InMemory</c>)</description></item>
/// <item><term><c>Messaging:RabbitMq:Host</c></term><description><c>Messaging__RabbitMq__Host</c> (<c>localhost</c>)</description></item>
/// <item><term><c>Messaging:RabbitMq:Port</c></term><description><c>Messaging__RabbitMq__Port</c> (<c>5672</c>)</description></item>
/// <item><term><c>Messaging:RabbitMq:VirtualHost</c></term><description><c>Messaging__RabbitMq__VirtualHost</c> (<c>/</c>)</description></item>
/// <item><term><c>Messaging:RabbitMq:Username</c></term><description><c>Messaging__RabbitMq__Username</c> (<c>guest</c>)</description></item>
/// <item><term><c>Messaging:RabbitMq:Password</c></term><description><c>Messaging__RabbitMq__Password</c> (<c>guest</c>)</description></item>
/// </list>
/// <para>The RabbitMQ keys are read only when <see cref="Transport"/> is <see cref="MessagingTransport.RabbitMq"/>.</para>
/// </remarks>
public sealed class MessagingOptions : IValidatedOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Messaging";

    /// <summary>
    /// Which bus carries the messages: <see cref="MessagingTransport.InMemory"/> (the default, for the
    /// embedded single-process mode) or <see cref="MessagingTransport.RabbitMq"/> (distributed mode).
    /// </summary>
    public MessagingTransport Transport { get; set; } = MessagingTransport.InMemory;

    /// <summary>The RabbitMQ broker, used when <see cref="Transport"/> is <see cref="MessagingTransport.RabbitMq"/>.</summary>
    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        const string Section = SectionName;
        if (Transport == MessagingTransport.RabbitMq)
        {
            var broker = RabbitMq;
            if (broker is null)
            {
                yield return $"{Section}:RabbitMq is required when {Section}:Transport is RabbitMq.";
            }
            else
            {
                if (string.IsNullOrWhiteSpace(broker.Host))
                {
                    yield return $"{Section}:RabbitMq:Host is required when {Section}:Transport is RabbitMq.";
                }

                if (broker.Port is < 1 or > ushort.MaxValue)
                {
                    yield return $"{Section}:RabbitMq:Port must be between 1 and {ushort.MaxValue}, not {broker.Port}.";
                }

                if (string.IsNullOrWhiteSpace(broker.VirtualHost))
                {
                    yield return $"{Section}:RabbitMq:VirtualHost is required (\"/\" is the default virtual host).";
                }

                if (string.IsNullOrWhiteSpace(broker.Username))
                {
                    yield return $"{Section}:RabbitMq:Username is required when {Section}:Transport is RabbitMq.";
                }

                if (broker.Password is null)
                {
                    yield return $"{Section}:RabbitMq:Password is required when {Section}:Transport is RabbitMq.";
                }
            }
        }
    }
}

/// <summary>The bus a service's messages travel on.</summary>
public enum MessagingTransport
{
    /// <summary>In the process's memory: every service in one process, nothing to install, nothing survives a restart.</summary>
    InMemory,

    /// <summary>A RabbitMQ broker: services in separate processes or containers.</summary>
    RabbitMq,
}

/// <summary>Where the RabbitMQ broker is and how to log in (section <c>Messaging:RabbitMq</c>).</summary>
public sealed class RabbitMqOptions
{
    /// <summary>Host name or IP address of the broker.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>AMQP port of the broker.</summary>
    public int Port { get; set; } = 5672;

    /// <summary>Virtual host to use; each virtual host has its own exchanges and queues.</summary>
    public string VirtualHost { get; set; } = "/";

    /// <summary>User name; RabbitMQ's default <c>guest</c> may log in only from the broker's own machine.</summary>
    public string Username { get; set; } = "guest";

    /// <summary>Password; set it from a secret (environment variable) outside local development.</summary>
    public string Password { get; set; } = "guest";
}
