using Modeling.Files;
using Modeling.Text;
using ServiceDefaults;

namespace Retrainer.Endpoints;

/// <summary>
/// Refuses a request whose <c>{model}</c> or <c>{version}</c> is not a plain path segment (<see cref="PathSegments"/>) with a
/// 400 naming the parameter, before any handler runs: a model's name and version name folders of the models folder, so
/// no request reaches the registry with one that would name another folder.
/// </summary>
internal static class PlainRouteValues
{
    private static readonly string[] Checked = ["model", "version"];

    /// <summary>Adds the check to every endpoint mapped on <paramref name="builder"/>.</summary>
    public static TBuilder RequirePlainRouteValues<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            foreach (var name in Checked)
            {
                if (context.HttpContext.GetRouteValue(name) is string value && PathSegments.Problem(value) is { } problem)
                    return InvalidParameter.Problem(name, $"'{UserText.Shown(value)}' is not a {name} name: it {problem}.");
            }

            return await next(context);
        });
}
