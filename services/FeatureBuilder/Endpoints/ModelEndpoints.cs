using FeatureBuilder.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ServiceDefaults.Security;

namespace FeatureBuilder.Endpoints;

/// <summary><c>GET /api/v1/models</c> and <c>GET /api/v1/models/{model}</c>: what is served and what a record must carry.</summary>
public static class ModelEndpoints
{
    /// <summary>Maps the model listing endpoints.</summary>
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/v1/models").WithTags("Models");
        models.MapGet("/", List).RequireScope(Scopes.Read).WithSummary("The served models with the fields a record must carry.");
        models.MapGet("/{model}", Get).RequireScope(Scopes.Read).WithSummary("One served model with the fields a record must carry.");
        return app;
    }

    private static Ok<ModelDescription[]> List(ServedCards cards, IOptions<FeatureBuilderOptions> options) =>
        TypedResults.Ok(cards.All.OrderBy(card => card.Card.Name, StringComparer.Ordinal)
            .Select(card => ModelDescription.Of(card.Card, options.Value.EntityKeyField)).ToArray());

    private static Results<Ok<ModelDescription>, ProblemHttpResult> Get(
        string model, ServedCards cards, IOptions<FeatureBuilderOptions> options, HttpContext http) =>
        cards.Find(model) is { } card
            ? TypedResults.Ok(ModelDescription.Of(card.Card, options.Value.EntityKeyField))
            : OnlineProblems.UnknownModel(model, cards, options.Value, http);
}
