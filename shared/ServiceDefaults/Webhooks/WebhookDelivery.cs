using System.Net.Mime;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Webhooks;

/// <summary>
/// POSTs JSON documents (an alert, a retraining request) to webhooks in the background, so a slow or failing receiver
/// never holds up the service: up to <see cref="Attempts"/> tries per webhook, waiting 1, 5, 25 s between them. One
/// per process (<see cref="WebhookDeliveryExtensions.AddWebhookDelivery"/>); each service passes its own webhooks.
/// </summary>
public sealed partial class WebhookDelivery(IHttpClientFactory clients, TimeProvider time, ILogger<WebhookDelivery> logger) : BackgroundService
{
    /// <summary>The HTTP client's name.</summary>
    public const string ClientName = "platform-webhooks";

    /// <summary>Tries per webhook and document.</summary>
    public const int Attempts = 4;

    private readonly Channel<Delivery> _pending = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>
    /// Queues <paramref name="json"/> for every one of <paramref name="webhooks"/> (nothing when there are none);
    /// <paramref name="subject"/> names it in the logs, <paramref name="delivered"/> hears each delivery's result.
    /// </summary>
    public void Enqueue(IEnumerable<Uri> webhooks, string subject, string json, Action<bool>? delivered = null)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        Uri[] targets = [.. webhooks];
        if (targets.Length > 0)
            _pending.Writer.TryWrite(new Delivery(targets, subject, json, delivered));
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var delivery in _pending.Reader.ReadAllAsync(stoppingToken))
            await Task.WhenAll(delivery.Webhooks.Select(webhook => DeliverAsync(webhook, delivery, stoppingToken)));
    }

    private async Task DeliverAsync(Uri webhook, Delivery delivery, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                using var content = new StringContent(delivery.Json, Encoding.UTF8, MediaTypeNames.Application.Json);
                using var response = await client.PostAsync(webhook, content, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    delivery.Delivered?.Invoke(true);
                    return;
                }

                LogRefused(logger, webhook, delivery.Subject, (int)response.StatusCode, attempt);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogFailed(logger, webhook, delivery.Subject, exception.Message, attempt);
            }

            if (attempt < Attempts)
                await Task.Delay(TimeSpan.FromSeconds(Math.Pow(5, attempt - 1)), time, cancellationToken);
        }

        delivery.Delivered?.Invoke(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook} answered {Status} to {Subject} (attempt {Attempt})")]
    private static partial void LogRefused(ILogger logger, Uri webhook, string subject, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook} could not be reached for {Subject}: {Reason} (attempt {Attempt})")]
    private static partial void LogFailed(ILogger logger, Uri webhook, string subject, string reason, int attempt);

    private sealed record Delivery(Uri[] Webhooks, string Subject, string Json, Action<bool>? Delivered);
}

/// <summary>Registers the process's one <see cref="WebhookDelivery"/>.</summary>
public static class WebhookDeliveryExtensions
{
    /// <summary>Adds <see cref="WebhookDelivery"/> and its HTTP client, once however many services of the process ask.</summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(service => service.ServiceType == typeof(WebhookDelivery)))
            return services;
        services.AddHttpClient(WebhookDelivery.ClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<WebhookDelivery>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDelivery>());
        return services;
    }

    /// <summary>The problem with a setting's webhooks, or null: each must be an absolute http or https URL.</summary>
    public static string? Problem(string setting, IEnumerable<Uri> webhooks)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        return webhooks.All(uri => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            ? null
            : $"{setting} must be absolute http or https URLs.";
    }
}
