using MassTransit;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults;

/// <summary>
/// The consumer registrations of every service composed into one host, collected until
/// <see cref="MessageBusExtensions.AddMessageBus"/> applies them to the host's single MassTransit bus.
/// One instance lives in the host builder's <c>Properties</c>, so each host has its own.
/// </summary>
internal sealed class MessageBusComposition
{
    private readonly List<Action<IBusRegistrationConfigurator>> _registrations = [];

    public bool IsBusAdded { get; private set; }

    public bool HasRegistrations => _registrations.Count > 0;

    public static MessageBusComposition Of(IHostApplicationBuilder builder)
    {
        if (builder.Properties.TryGetValue(typeof(MessageBusComposition), out var existing))
        {
            return (MessageBusComposition)existing;
        }

        var composition = new MessageBusComposition();
        builder.Properties[typeof(MessageBusComposition)] = composition;
        return composition;
    }

    public void Add(Action<IBusRegistrationConfigurator> register)
    {
        if (IsBusAdded)
        {
            throw new InvalidOperationException(
                "AddMessageConsumers was called after AddMessageBus, so these consumers would never be registered. " +
                "Call every service's AddX (which registers its consumers) before builder.AddMessageBus().");
        }

        _registrations.Add(register);
    }

    public void ApplyTo(IBusRegistrationConfigurator bus)
    {
        foreach (var register in _registrations)
        {
            register(bus);
        }
    }

    public void MarkBusAdded()
    {
        if (IsBusAdded)
        {
            throw new InvalidOperationException(
                "AddMessageBus was called twice: call it once in Program.cs, after every service's AddX.");
        }

        IsBusAdded = true;
    }
}
