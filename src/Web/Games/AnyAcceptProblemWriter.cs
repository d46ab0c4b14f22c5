using System.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Web.Games;

/// <summary>
/// Writes a refusal as problem+json even to a client whose Accept header leaves JSON out (a browser's
/// <c>text/html</c>): the framework's own writer declines those, and the refusal would be plain text without a code.
/// </summary>
internal sealed class AnyAcceptProblemWriter(IOptions<ProblemDetailsOptions> problems, IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue ProblemJson = new("application/problem+json");

    /// <summary>Only what the framework's writer declines: a request with an Accept header that takes no JSON.</summary>
    public bool CanWrite(ProblemDetailsContext context)
    {
        var accept = context.HttpContext.Request.GetTypedHeaders().Accept;
        return accept.Count > 0 && !accept.Any(a => Json.IsSubsetOf(a) || ProblemJson.IsSubsetOf(a));
    }

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        problems.Value.CustomizeProblemDetails?.Invoke(context);
        return new(http.Response.WriteAsJsonAsync(problem, json.Value.SerializerOptions, "application/problem+json", http.RequestAborted));
    }
}
