using Microsoft.AspNetCore.Http.HttpResults;
using Retrainer.Registry;

namespace Retrainer.Endpoints;

/// <summary>The registry API's problem details (RFC 9457), one place for their titles and members.</summary>
internal static class RegistryProblems
{
    public static ProblemHttpResult UnknownModel(string model) => TypedResults.Problem(
        $"The registry has no version of model '{model}'.",
        statusCode: StatusCodes.Status404NotFound, title: "Model not found");

    public static ProblemHttpResult UnknownVersion(string model, string version) => TypedResults.Problem(
        $"Model '{model}' has no version '{version}'.",
        statusCode: StatusCodes.Status404NotFound, title: "Model version not found");

    public static ProblemHttpResult NoTrainingDataset(string model) => TypedResults.Problem(
        $"Model '{model}' has no uploaded training dataset (PUT one to /api/v1/models/{model}/training-dataset).",
        statusCode: StatusCodes.Status404NotFound, title: "Training dataset not found");

    public static ProblemHttpResult VersionExists(string model, string version) => TypedResults.Problem(
        $"Model '{model}' already has a version '{version}'; a version never changes: register this one under a new version.",
        statusCode: StatusCodes.Status409Conflict, title: "Model version exists",
        extensions: new Dictionary<string, object?> { ["version"] = version });

    public static ProblemHttpResult VersionInUse(string model, string version, VersionDeletion deletion) => TypedResults.Problem(
        $"Version '{version}' of '{model}' is not deleted: {string.Join("; ", deletion.Reasons)}.",
        statusCode: StatusCodes.Status409Conflict, title: "Model version in use",
        extensions: new Dictionary<string, object?> { ["aliases"] = deletion.Aliases, ["reasons"] = deletion.Reasons });
}
