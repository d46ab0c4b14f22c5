using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Games;

namespace Web.Games;

/// <summary>
/// Errors of the JSON API: problem+json with a stable machine-readable <c>code</c> beside the human detail.
/// </summary>
internal static class ApiErrors
{
    public static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, detail);

    public static ProblemHttpResult NotFound(string gameId) =>
        Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"There is no game {Quote(gameId)}.");

    public static ProblemHttpResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, detail);

    /// <summary>The longest piece of a client's input an error quotes back: a refusal stays small.</summary>
    public const int MaxQuoted = 40;

    /// <summary>A client's input as an error quotes it: at most <see cref="MaxQuoted"/> characters, then an ellipsis.</summary>
    public static string Quote(string? input) =>
        input is null ? "" : input.Length <= MaxQuoted ? input : string.Concat(input.AsSpan(0, MaxQuoted), "…");

    /// <summary>The most characters (as people count them: text elements, so an emoji is one) in a name.</summary>
    public const int MaxNameLength = 40;

    /// <summary>
    /// A display name: 1 to <see cref="MaxNameLength"/> characters, no control characters. False with the
    /// sentence that says what is wrong.
    /// </summary>
    public static bool TryName(string? raw, out string name, out string problem)
    {
        name = raw?.Trim() ?? "";
        if (name.Any(char.IsControl))
        {
            problem = "A name cannot contain control characters (such as line breaks or tabs).";
            return false;
        }
        var length = new StringInfo(name).LengthInTextElements;
        problem = length is >= 1 and <= MaxNameLength ? "" : $"A name must be 1 to {MaxNameLength} characters long.";
        return problem.Length == 0;
    }

    /// <summary>
    /// The <c>code</c> for a problem the framework answers by itself (a body that is not JSON or not of the
    /// right shape, a query value of the wrong type, an unknown path): every 4xx from the API carries one.
    /// </summary>
    public static void AddCode(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        (problem.Extensions["code"], var detail) = status switch
        {
            StatusCodes.Status400BadRequest => (ErrorCodes.BadRequest,
                "The request is not what this endpoint takes: send a JSON object with the documented fields, and numbers where numbers go."),
            StatusCodes.Status401Unauthorized => (ErrorCodes.Unauthorized, "Send your join token as a bearer token."),
            StatusCodes.Status404NotFound => (ErrorCodes.NotFound, "There is nothing at this address."),
            StatusCodes.Status405MethodNotAllowed => (ErrorCodes.BadRequest, "This address does not take that method."),
            StatusCodes.Status413PayloadTooLarge => (ErrorCodes.TooLarge, "The request is too large."),
            StatusCodes.Status415UnsupportedMediaType => (ErrorCodes.BadRequest, "Send the body as application/json."),
            >= 500 => (ErrorCodes.Internal, "The server failed on this request; it is logged."),
            _ => (ErrorCodes.BadRequest, problem.Title ?? "The request was refused."),
        };
        problem.Detail ??= detail;
    }
}
