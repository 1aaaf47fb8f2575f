using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ServiceDefaults;

/// <summary>
/// The answer to a bad query or route parameter: a 400 validation problem with the message under the parameter's
/// name in <c>errors</c>, the same shape as a model-binding validation problem, so clients read one format.
/// </summary>
public static class InvalidParameter
{
    /// <summary>The problem naming <paramref name="parameter"/>.</summary>
    public static ProblemHttpResult Problem(string parameter, string message) =>
        TypedResults.Problem(
            message,
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid request",
            type: ProblemTypes.ValidationFailed,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [parameter] = [message] } });
}
