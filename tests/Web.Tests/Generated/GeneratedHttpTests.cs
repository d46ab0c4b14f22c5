using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsCheck;
using Platform.TestSupport;

namespace Web.Tests.Generated;

/// <summary>
/// A bounded, seeded run of generated requests against a running Web (<see cref="HttpRequests"/>): every endpoint
/// of the games API and the site gets bodies, query strings, path segments and headers from the contract and
/// mutations of them. No reply is a 5xx; every refusal is problem+json with a code (or, for a page, the page that
/// says it does not exist) and stays small; a request that follows the contract succeeds.
/// A failure names its seed: run again with the environment variable CsCheck_Seed set to it.
/// </summary>
public class GeneratedHttpTests(WebServer server) : IClassFixture<WebServer>
{
    private const int Requests = 800;

    /// <summary>"A few kilobytes": a refusal quotes no large input back.</summary>
    private const int MostRefusalBytes = 4096;

    private static readonly UriCreationOptions AsWritten = new() { DangerousDisablePathAndQueryCanonicalization = true };

    [Fact]
    public async Task GeneratedRequestsGetNoServerErrorAndEveryRefusalIsSmallProblemJsonWithACode()
    {
        using var http = new HttpClient { Timeout = TaskTimeouts.Default };
        var other = await CreateGameAsync(http);
        await HttpRequests.Any.SampleAsync(request => CheckAsync(http, request, other.Token), iter: Requests, threads: 2,
            print: request => request.ToString());
    }

    private async Task CheckAsync(HttpClient http, HttpCase generated, string otherToken)
    {
        var request = generated;
        string? token = null;
        if (generated.NeedsGame)
        {
            var game = await CreateGameAsync(http);
            request = generated.Resolve(game.GameId, game.PlayerId);
            token = game.Token;
        }
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(server.Web.BaseAddress + request.Path, AsWritten));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is { Length: > 0 } type)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }
        if (request.Accept is not null)
        {
            message.Headers.TryAddWithoutValidation("Accept", request.Accept);
        }
        var authorization = request.Auth switch
        {
            Auth.Own => $"Bearer {token}",
            Auth.OtherGame => $"Bearer {otherToken}",
            Auth.Tampered => $"Bearer {token![..^2]}{(token[^2] == 'x' ? 'y' : 'x')}{token[^1]}",
            Auth.Raw => request.RawAuthorization,
            _ => null,
        };
        if (authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(message).DefaultTimeout();
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsByteArrayAsync().DefaultTimeout();
        var text = Encoding.UTF8.GetString(body);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var reply = $"{status} {mediaType}: {(text.Length > 300 ? text[..300] + "…" : text)}";

        status.ShouldBeLessThan(500, $"no request is the server's fault; got {reply}");
        text.ShouldNotContain("Exception", Case.Sensitive, $"no stack trace: {reply}");
        switch (request.Expect)
        {
            case Expect.Success:
                status.ShouldBeInRange(200, 299, $"a request that follows the contract succeeds; got {reply}");
                break;
            case Expect.Refused:
                status.ShouldBeInRange(400, 499, $"the request breaks the contract; got {reply}");
                break;
        }
        if (status is >= 400 and < 500 && KestrelRefuses(request.Path))
        {
            (status, body.Length).ShouldBe((400, 0), $"Kestrel refuses a NUL in the path itself, before any endpoint: {reply}");
            return;
        }
        if (status is >= 400 and < 500)
        {
            body.Length.ShouldBeLessThanOrEqualTo(MostRefusalBytes, $"a refusal stays small; got {reply}");
            if (mediaType == "text/html" && !IsApi(request.Path))
            {
                text.ShouldContain("This page does not exist", Case.Sensitive, $"a page's refusal is the page that says so: {reply}");
                return;
            }
            mediaType.ShouldBe("application/problem+json", $"every refusal is problem+json: {reply}");
            using var problem = JsonDocument.Parse(body);
            (problem.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString() is { Length: > 0 })
                .ShouldBeTrue($"every refusal has a code: {reply}");
        }
    }

    /// <summary>A request Kestrel answers by itself with a bare 400 (docs/protocol.md): a path with an encoded NUL.</summary>
    private static bool KestrelRefuses(string path) => path.Split('?')[0].Contains("%00", StringComparison.Ordinal);

    /// <summary>A path the server routes under /api: dot segments may lead elsewhere.</summary>
    private static bool IsApi(string path) => path.StartsWith("api", StringComparison.Ordinal)
        && !path.Contains("..", StringComparison.Ordinal) && !path.Contains("%2e", StringComparison.OrdinalIgnoreCase);

    private async Task<(string GameId, string PlayerId, string Token)> CreateGameAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync(new Uri(server.Web.BaseAddress!, "api/games"), new { title = "chat", name = "Host" }).DefaultTimeout();
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
        var game = await response.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout();
        return (game.GetProperty("gameId").GetString()!, game.GetProperty("playerId").GetString()!, game.GetProperty("token").GetString()!);
    }
}
