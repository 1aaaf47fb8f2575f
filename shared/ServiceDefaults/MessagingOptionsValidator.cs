using Microsoft.Extensions.Options;

namespace ServiceDefaults;

/// <summary>Refuses to start with a bus configuration that cannot work, naming the key to fix.</summary>
internal sealed class MessagingOptionsValidator : IValidateOptions<MessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        const string Section = MessagingOptions.SectionName;
        var failures = new List<string>();

        if (!Enum.IsDefined(options.Transport))
        {
            failures.Add($"{Section}:Transport must be InMemory or RabbitMq.");
        }

        if (options.Transport == MessagingTransport.RabbitMq)
        {
            var broker = options.RabbitMq;
            if (broker is null)
            {
                failures.Add($"{Section}:RabbitMq is required when {Section}:Transport is RabbitMq.");
            }
            else
            {
                if (string.IsNullOrWhiteSpace(broker.Host))
                {
                    failures.Add($"{Section}:RabbitMq:Host is required when {Section}:Transport is RabbitMq.");
                }

                if (broker.Port is < 1 or > ushort.MaxValue)
                {
                    failures.Add($"{Section}:RabbitMq:Port must be between 1 and {ushort.MaxValue}, not {broker.Port}.");
                }

                if (string.IsNullOrWhiteSpace(broker.VirtualHost))
                {
                    failures.Add($"{Section}:RabbitMq:VirtualHost is required (\"/\" is the default virtual host).");
                }

                if (string.IsNullOrWhiteSpace(broker.Username))
                {
                    failures.Add($"{Section}:RabbitMq:Username is required when {Section}:Transport is RabbitMq.");
                }

                if (broker.Password is null)
                {
                    failures.Add($"{Section}:RabbitMq:Password is required when {Section}:Transport is RabbitMq.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
