using Microsoft.AspNetCore.Http.HttpResults;

namespace Web.Games;

/// <summary>
/// Errors of the JSON API: problem+json with a stable machine-readable <c>code</c> beside the human detail.
/// </summary>
internal static class ApiErrors
{
    public static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "bad_request", detail);

    public static ProblemHttpResult NotFound(string gameId) =>
        Problem(StatusCodes.Status404NotFound, "not_found", $"There is no game {gameId}.");

    public static ProblemHttpResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "unauthorized", detail);

    /// <summary>A display name: 1 to 40 characters, no control characters.</summary>
    public static bool TryName(string? raw, out string name)
    {
        name = raw?.Trim() ?? "";
        return name.Length is >= 1 and <= 40 && !name.Any(char.IsControl);
    }
}
