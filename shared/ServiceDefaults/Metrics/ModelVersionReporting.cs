using Microsoft.AspNetCore.Http;

namespace ServiceDefaults.Metrics;

/// <summary>
/// Lets an endpoint say which model version answers the request, so that the request metrics count it
/// under that version (Monitor shows traffic, errors and latency per service and model version).
/// </summary>
public static class ModelVersionReporting
{
    /// <summary>The <see cref="HttpContext.Items"/> key the version is kept under.</summary>
    public const string ItemKey = "platform.model.version";

    /// <summary>Records that <paramref name="version"/> of the requested model answers this request.</summary>
    public static void ReportModelVersion(this HttpContext context, string version)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[ItemKey] = version;
    }

    /// <summary>The <see cref="HttpContext.Items"/> key the model's name is kept under, for a request whose path does not name it.</summary>
    public const string ModelItemKey = "platform.model.name";

    /// <summary>
    /// Records that <paramref name="version"/> of <paramref name="model"/> answers this request: for an endpoint whose
    /// route has no <c>model</c> value (a gRPC method, whose model is in the message).
    /// </summary>
    public static void ReportModelVersion(this HttpContext context, string model, string version)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[ModelItemKey] = model;
        context.Items[ItemKey] = version;
    }

    /// <summary>The <see cref="HttpContext.Items"/> key of <see cref="CountedByEndpoint"/>.</summary>
    public const string CountedItemKey = "platform.metrics.counted-by-endpoint";

    /// <summary>
    /// Records that the endpoint counts this request in the request metrics itself (Inference's scoring hop counts each
    /// call once per model version that answered it), so the middleware leaves it out.
    /// </summary>
    public static void CountedByEndpoint(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[CountedItemKey] = true;
    }

    /// <summary>The model an endpoint reported with <see cref="ReportModelVersion(HttpContext, string, string)"/>, if any.</summary>
    public static string? ReportedModel(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ModelItemKey, out var model) ? model as string : null;
    }

    /// <summary>The version an endpoint reported with <see cref="ReportModelVersion(HttpContext, string)"/>, if any.</summary>
    public static string? ReportedModelVersion(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var version) ? version as string : null;
    }
}
