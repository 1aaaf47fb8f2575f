using System.Net.Mime;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Monitor.Alerts;

/// <summary>
/// POSTs alerts to the configured webhooks (<c>Monitoring:Webhooks</c>) in the background, so a slow or
/// failing receiver never holds up monitoring: up to <see cref="Attempts"/> tries per webhook, waiting
/// 1, 5, 25 s between them. The body is the alert event as JSON with <c>kind</c>, <c>summary</c> and <c>alert</c>.
/// </summary>
public sealed partial class WebhookDelivery(
    IHttpClientFactory clients,
    IOptions<MonitoringOptions> options,
    MonitorMetrics metrics,
    TimeProvider time,
    ILogger<WebhookDelivery> logger) : BackgroundService
{
    /// <summary>The HTTP client's name.</summary>
    public const string ClientName = "monitor-webhooks";

    /// <summary>Tries per webhook and alert.</summary>
    public const int Attempts = 4;

    private readonly Channel<AlertRecord> _pending = Channel.CreateBounded<AlertRecord>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Queues <paramref name="alert"/> for every webhook.</summary>
    public void Enqueue(AlertRecord alert)
    {
        if (options.Value.Webhooks.Count > 0)
            _pending.Writer.TryWrite(alert);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var alert in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            var body = $"{{\"kind\":\"{alert.Kind}\",\"summary\":{System.Text.Json.JsonSerializer.Serialize(alert.Summary)},\"alert\":{alert.DetailsJson}}}";
            await Task.WhenAll(options.Value.Webhooks.Select(webhook => DeliverAsync(webhook, alert, body, stoppingToken)));
        }
    }

    private async Task DeliverAsync(Uri webhook, AlertRecord alert, string body, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, MediaTypeNames.Application.Json);
                using var response = await client.PostAsync(webhook, content, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    metrics.WebhookDelivered(true);
                    return;
                }

                LogRefused(logger, webhook, alert.AlertId, (int)response.StatusCode, attempt);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogFailed(logger, webhook, alert.AlertId, exception.Message, attempt);
            }

            if (attempt < Attempts)
                await Task.Delay(TimeSpan.FromSeconds(Math.Pow(5, attempt - 1)), time, cancellationToken);
        }

        metrics.WebhookDelivered(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook} answered {Status} to alert {AlertId} (attempt {Attempt})")]
    private static partial void LogRefused(ILogger logger, Uri webhook, Guid alertId, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook} could not be reached for alert {AlertId}: {Reason} (attempt {Attempt})")]
    private static partial void LogFailed(ILogger logger, Uri webhook, Guid alertId, string reason, int attempt);
}
