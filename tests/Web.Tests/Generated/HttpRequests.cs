using CsCheck;
using static Web.Tests.Generated.Expect;
using static Web.Tests.Generated.HttpGrammar;

namespace Web.Tests.Generated;

/// <summary>
/// Requests to every endpoint of Web (the games API and the site's pages, assets and fallback), built from the
/// parts of <see cref="HttpGrammar"/>: mostly with the endpoint's own method, sometimes another one.
/// </summary>
internal static class HttpRequests
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

    /// <summary>A JSON body with the content type it goes with; both may be wrong.</summary>
    private static Gen<(byte[] Body, Part ContentType, Expect Expect)> JsonBody(Gen<Part> body) =>
        Gen.Select(Damaged(body), ContentType, (damaged, type) => (damaged.Bytes, type,
            Part.Combine(damaged.Expect, type.Expect, damaged.Bytes.Length > MostBodyBytes ? Refused : Success)));

    /// <summary>The largest body the API reads (docs/protocol.md section 2): a larger one is too_large.</summary>
    private const int MostBodyBytes = 64 * 1024;

    private static readonly Gen<HttpCase> Create = Gen.Select(JsonBody(CreateBody), Accept, ExtraQuery, (body, accept, extra) =>
        new HttpCase("POST", "api/games" + Query(extra), body.ContentType.Text, accept, Auth.None, null, body.Body, body.Expect));

    private static readonly Gen<HttpCase> Join = Gen.Select(GameSegment, JsonBody(JoinBody), Accept, (game, body, accept) =>
        new HttpCase("POST", $"api/games/{game.Text}/players", body.ContentType.Text, accept, Auth.None, null, body.Body,
            Part.Combine(game.Expect, body.Expect)));

    private static readonly Gen<HttpCase> View = Gen.Select(GameSegment, Accept, ExtraQuery, (game, accept, extra) =>
        new HttpCase("GET", $"api/games/{game.Text}" + Query(extra), null, accept, Auth.None, null, null, game.Expect));

    private static readonly Gen<HttpCase> Titles = Gen.Select(Accept, ExtraQuery, (accept, extra) =>
        new HttpCase("GET", "api/titles" + Query(extra), null, accept, Auth.None, null, null, Success));

    /// <summary>The log over HTTP: after and limit present, absent (their defaults) or wrong, and a token of any kind.</summary>
    private static readonly Gen<HttpCase> Messages = Gen.Select(GameSegment, After, Limit, Gen.Int[0, 3], Token, ExtraQuery,
        (game, after, limit, which, token, extra) =>
        {
            var query = new List<string>();
            var expect = new List<Expect> { token.Expect };
            if ((which & 1) == 0)
            {
                query.Add($"after={after.Text}");
                expect.Add(after.Expect);
            }
            if ((which & 2) == 0)
            {
                query.Add($"limit={limit.Text}");
                expect.Add(limit.Expect);
            }
            var path = $"api/games/{game.Text}/messages?{string.Join("&", query)}{extra}";
            return new HttpCase("GET", path, null, null, token.Auth, token.Raw, null, GameRefused(game, Part.Combine([.. expect])));
        });

    /// <summary>The pages, their assets, and addresses that are not there (a page that says so; under /api, problem+json).</summary>
    private static readonly Gen<HttpCase> Site = Gen.Frequency(
        (2, Gen.OneOf("", "favicon.ico", "css/site.css", "js/api.js", "index.html").Select(p => Page(p, Success))),
        (2, GameSegment.Select(g => Page($"play/{g.Text}", g.Text.Contains('%') || g.Text.Contains('.') ? Either : Success))),
        (2, JunkText.Select(j => Page($"{j}/nothing", Either))),
        (1, JunkText.Select(j => Page($"api/{j}", j.Contains('.') || j.Contains("%2e") ? Either : Refused))),
        (1, Gen.OneOf("api", "api/", "api/games", "api/games/", "hangfire", "metrics/x", "js/nope.js", "css/").Select(p => Page(p, Either))));

    /// <summary>An endpoint's path with another method: refused (or, for a page, what the site makes of it).</summary>
    private static readonly Gen<HttpCase> WrongMethod = Gen.Select(Gen.OneOf(Create, Join, View, Titles, Messages, Site), Gen.OneOf(Methods),
        (request, method) => request.Method == method ? request : request with { Method = method, Expect = Either });

    /// <summary>Any request, its path within what Kestrel reads (longer ones get its own bare 414).</summary>
    public static readonly Gen<HttpCase> Any = Gen.Frequency(
        (4, Create), (4, Join), (3, View), (1, Titles), (4, Messages), (3, Site), (1, WrongMethod))
        .Where(request => request.Path.Length <= MostPathLength);

    private static HttpCase Page(string path, Expect expect) => new("GET", path, null, null, Auth.None, null, null, expect);

    private static string Query(string extra) => extra.Length == 0 ? "" : "?" + extra.TrimStart('&');

    // An unknown game's log is refused whatever the token; junk may route elsewhere.
    private static Expect GameRefused(Part game, Expect rest) => game.Expect == Refused ? Refused : Part.Combine(game.Expect, rest);
}
