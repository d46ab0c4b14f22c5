using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Games;
using Platform.TestSupport;

namespace Web.Tests;

public sealed class WebServer : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public ServiceProcess Web { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateMigratedAsync();
        Web = ServiceProcess.StartWithServers("Web", Database);
        await Web.WaitUntilReadyAsync();
        Http = new HttpClient { BaseAddress = Web.BaseAddress, Timeout = TaskTimeouts.Default };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Web.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public class GamesApiTests(WebServer server) : IClassFixture<WebServer>
{
    private HttpClient Http => server.Http;

    private async Task<JsonElement> CreateAsync(string title = "chat", string name = "Ann")
    {
        var response = await Http.PostAsJsonAsync("api/games", new { title, name });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> JoinAsync(string gameId, object request)
    {
        var response = await Http.PostAsJsonAsync($"api/games/{gameId}/players", request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string Code(JsonElement problem) => problem.GetProperty("code").GetString()!;

    [Fact]
    public async Task CreatingAGameSeatsItsHostAndGivesTheLinks()
    {
        var game = await CreateAsync();

        var gameId = game.GetProperty("gameId").GetString()!;
        gameId.Length.ShouldBe(6);
        gameId.ShouldAllBe(c => GameIds.Alphabet.Contains(c));
        game.GetProperty("seat").GetInt32().ShouldBe(1);
        game.GetProperty("playerId").GetString()!.Length.ShouldBe(32);
        game.GetProperty("channelUrl").GetString().ShouldBe($"http://127.0.0.1:8081/channels?game={gameId}");
        game.GetProperty("wsUrl").GetString().ShouldBe($"ws://127.0.0.1:8081/ws?game={gameId}");
        game.GetProperty("shareUrl").GetString().ShouldBe($"{server.Web.BaseAddress}play/{gameId}");
        TestGamesTokens.Open(game.GetProperty("token").GetString()!).ShouldBe(
            new JoinToken(gameId, game.GetProperty("playerId").GetString()!, 1, "chat", "Ann", 0), TokenComparer.IgnoringExpiry);
    }

    [Fact]
    public async Task PlayersJoinInTurnRejoinTheirSeatAndAFullGameSaysSo()
    {
        var game = await CreateAsync("tictactoe");
        var gameId = game.GetProperty("gameId").GetString()!;
        (await Http.GetFromJsonAsync<JsonElement>($"api/games/{gameId}")).GetProperty("status").GetString().ShouldBe("waiting");

        var (status, bob) = await JoinAsync(gameId.ToLowerInvariant(), new { name = "Bob" });
        status.ShouldBe(HttpStatusCode.Created);
        bob.GetProperty("seat").GetInt32().ShouldBe(2);

        var (fullStatus, full) = await JoinAsync(gameId, new { name = "Cy" });
        fullStatus.ShouldBe(HttpStatusCode.Conflict);
        Code(full).ShouldBe("game_full");

        var (again, rejoined) = await JoinAsync(gameId, new { playerId = bob.GetProperty("playerId").GetString() });
        again.ShouldBe(HttpStatusCode.OK);
        rejoined.GetProperty("seat").GetInt32().ShouldBe(2);
        rejoined.GetProperty("wsUrl").GetString().ShouldBe(bob.GetProperty("wsUrl").GetString());

        var view = await Http.GetFromJsonAsync<JsonElement>($"api/games/{gameId}");
        view.GetProperty("status").GetString().ShouldBe("active");
        view.GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ShouldBe(["Ann", "Bob"]);
        view.GetRawText().ShouldNotContain(bob.GetProperty("playerId").GetString()!, customMessage: "player ids are credentials");
        view.GetRawText().ShouldNotContain(game.GetProperty("playerId").GetString()!);
    }

    [Fact]
    public async Task ASeatLeftForGoodGoesToTheNextPlayerAndTheOldPlayerIdCannotTakeItBack()
    {
        var game = await CreateAsync("tictactoe");
        var gameId = game.GetProperty("gameId").GetString()!;
        var (_, bob) = await JoinAsync(gameId, new { name = "Bob" });
        // The channel frees the seat when Bob's grace period runs out.
        await using (var dataSource = server.Database.CreateDataSource())
        {
            (await new Platform.Archive.Games.PostgresGameStore(dataSource, TimeProvider.System)
                .FreeSeatAsync(gameId, 2, CancellationToken.None).DefaultTimeout()).ShouldBeTrue();
        }

        var (status, left) = await JoinAsync(gameId, new { playerId = bob.GetProperty("playerId").GetString() });
        status.ShouldBe(HttpStatusCode.Gone);
        Code(left).ShouldBe(ErrorCodes.PlayerLeft);
        var (joined, cy) = await JoinAsync(gameId, new { name = "Cy" });
        joined.ShouldBe(HttpStatusCode.Created);
        cy.GetProperty("seat").GetInt32().ShouldBe(2);
        var (_, stillLeft) = await JoinAsync(gameId, new { playerId = bob.GetProperty("playerId").GetString() });
        Code(stillLeft).ShouldBe(ErrorCodes.PlayerLeft, "a new player in the seat does not give it back");
        // Nor does the old token read the seat's log, where the new player's direct messages are.
        var oldRead = await Messages($"api/games/{gameId}/messages", bob.GetProperty("token").GetString()!).DefaultTimeout();
        oldRead.StatusCode.ShouldBe(HttpStatusCode.Gone);
        Code(await oldRead.Content.ReadFromJsonAsync<JsonElement>()).ShouldBe(ErrorCodes.PlayerLeft);
        (await Messages($"api/games/{gameId}/messages", cy.GetProperty("token").GetString()!).DefaultTimeout()).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Http.GetFromJsonAsync<JsonElement>($"api/games/{gameId}")).GetProperty("seats").EnumerateArray()
            .Select(s => s.GetProperty("name").GetString()).ShouldBe(["Ann", "Cy"]);
    }

    [Fact]
    public async Task BadRequestsGetAClearCode()
    {
        var game = await CreateAsync();
        var gameId = game.GetProperty("gameId").GetString()!;

        var unknownTitle = await Http.PostAsJsonAsync("api/games", new { title = "chess", name = "Ann" });
        unknownTitle.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Code(await unknownTitle.Content.ReadFromJsonAsync<JsonElement>()).ShouldBe("unknown_title");

        var noName = await Http.PostAsJsonAsync("api/games", new { title = "chat", name = "  " });
        Code(await noName.Content.ReadFromJsonAsync<JsonElement>()).ShouldBe("bad_request");

        var malformed = await Http.PostAsync("api/games", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        malformed.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        Code((await JoinAsync("ZZZZZZ", new { name = "Bob" })).Body).ShouldBe("not_found");
        Code((await JoinAsync("nope!", new { name = "Bob" })).Body).ShouldBe("not_found");
        Code((await JoinAsync(gameId, new { playerId = "0123456789abcdef0123456789abcdef" })).Body).ShouldBe("unknown_player");
        (await Http.GetAsync("api/games/ZZZZZZ")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EveryRefusalIsProblemJsonWithACodeAndQuotesNoLargeInput()
    {
        var game = await CreateAsync();
        var gameId = game.GetProperty("gameId").GetString()!;
        var token = game.GetProperty("token").GetString()!;
        var refused = new (string What, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("malformed JSON", () => Http.PostAsync("api/games", Json("{not json"))),
            ("an array body", () => Http.PostAsync("api/games", Json("[]"))),
            ("a null body", () => Http.PostAsync("api/games", Json("null"))),
            ("a number for the title", () => Http.PostAsync("api/games", Json("""{"title":5,"name":"Ann"}"""))),
            ("a number for the player id", () => Http.PostAsync($"api/games/{gameId}/players", Json("""{"playerId":5}"""))),
            ("a null join body", () => Http.PostAsync($"api/games/{gameId}/players", Json("null"))),
            ("a 100 KB title", () => Http.PostAsJsonAsync("api/games", new { title = new string('t', 100_000), name = "Ann" })),
            ("a 5,000-character game code", () => Http.PostAsJsonAsync($"api/games/{new string('Z', 5000)}/players", new { name = "Bob" })),
            ("after=abc", () => Messages($"api/games/{gameId}/messages?after=abc", token)),
            ("an unknown API path", () => Http.GetAsync("api/nothing-here")),
        };
        foreach (var (what, send) in refused)
        {
            var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBeInRange(400, 499, what);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", what);
            body.Length.ShouldBeLessThan(2048, what);
            using var problem = JsonDocument.Parse(body);
            problem.RootElement.TryGetProperty("code", out var code).ShouldBeTrue($"{what}: {body}");
            code.GetString().ShouldNotBeNullOrEmpty(what);
        }
    }

    [Fact]
    public async Task ARefusalToAClientThatAcceptsOnlyHtmlIsStillProblemJsonWithACode()
    {
        // Found by GeneratedHttpTests (seed b-uy7GG0aeh3): the framework's writer declined, and the reply was plain text.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/games") { Content = Json("{not json") };
        request.Headers.Accept.ParseAdd("text/html");

        var response = await Http.SendAsync(request).DefaultTimeout();

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        Code(await response.Content.ReadFromJsonAsync<JsonElement>()).ShouldBe("bad_request");
    }

    [Fact]
    public async Task ABodyThatIsNotUtf8IsRefusedEvenInAFieldTheApiIgnoresAndAHugeOneIsTooLarge()
    {
        // Found by GeneratedHttpTests (seed bqHhRe499U32): System.Text.Json skipped the bad bytes in an unknown field's name.
        byte[] bytes = [.. "{\"title\":\"chat\",\"name\":\"Ann\",\"n"u8, 0xFF, 0xC3, 0x28, .. "\":1}"u8];
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var notUtf8 = await Http.PostAsync("api/games", content).DefaultTimeout();

        notUtf8.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await notUtf8.Content.ReadFromJsonAsync<JsonElement>();
        Code(problem).ShouldBe("bad_request");
        problem.GetProperty("detail").GetString().ShouldBe("The body must be UTF-8 text.");

        var huge = await Http.PostAsJsonAsync("api/games", new { title = "chat", name = new string('n', 70_000) }).DefaultTimeout();
        huge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        Code(await huge.Content.ReadFromJsonAsync<JsonElement>()).ShouldBe("too_large");
    }

    [Fact]
    public async Task EachKindOfRefusedInputGetsTheStatusAndCodeTheProtocolDocuments()
    {
        var game = await CreateAsync();
        var gameId = game.GetProperty("gameId").GetString()!;
        var token = game.GetProperty("token").GetString()!;
        // docs/protocol.md section 2, "What each kind of refused HTTP input gets".
        var cases = new (string What, Func<Task<HttpResponseMessage>> Send, int Status, string Code)[]
        {
            ("an empty body", () => Http.PostAsync("api/games", Json("")), 400, "bad_request"),
            ("a name of the wrong type", () => Http.PostAsync("api/games", Json("""{"title":"chat","name":[]}""")), 400, "bad_request"),
            ("no title", () => Http.PostAsync("api/games", Json("""{"name":"Ann"}""")), 400, "unknown_title"),
            ("deep nesting in an ignored field", () => Http.PostAsync("api/games",
                Json($$"""{"title":"chat","name":"Ann","x":{{new string('[', 70)}}{{new string(']', 70)}}}""")), 400, "bad_request"),
            ("a text/plain body", () => Http.PostAsync("api/games", new StringContent("""{"title":"chat","name":"Ann"}""")), 415, "bad_request"),
            ("limit=0", () => Messages($"api/games/{gameId}/messages?limit=0", token), 400, "bad_request"),
            ("after=99999999999999999999", () => Messages($"api/games/{gameId}/messages?after=99999999999999999999", token), 400, "bad_request"),
            ("a unicode game code", () => Http.GetAsync("api/games/%E2%98%83%E2%98%83"), 404, "not_found"),
            ("a method the address does not take", () => Http.DeleteAsync("api/games"), 405, "bad_request"),
        };
        foreach (var (what, send, status, code) in cases)
        {
            var response = await send().DefaultTimeout();
            ((int)response.StatusCode).ShouldBe(status, $"{what}: {await response.Content.ReadAsStringAsync()}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", what);
            Code(await response.Content.ReadFromJsonAsync<JsonElement>()).ShouldBe(code, what);
        }
    }

    [Fact]
    public async Task NamesAreCountedAsPeopleCountThemAndControlCharactersAreRefusedAsSuch()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 40));
        (await Http.PostAsJsonAsync("api/games", new { title = "chat", name = emoji })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var tooLong = await Http.PostAsJsonAsync("api/games", new { title = "chat", name = emoji + "\U0001F600" });
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var control = await Http.PostAsJsonAsync("api/games", new { title = "chat", name = "a\u0000b" });
        control.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await control.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("control characters");
    }

    [Fact]
    public async Task AMissingPageIsAPageAMissingApiPathIsProblemJsonAndTheIconExists()
    {
        var page = await Http.GetAsync("no-such-page");
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await page.Content.ReadAsStringAsync()).ShouldContain("This page does not exist");

        var api = await Http.GetAsync("api/no/such/thing");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        Code(await api.Content.ReadFromJsonAsync<JsonElement>()).ShouldBe("not_found");

        var icon = await Http.GetAsync("favicon.ico");
        icon.StatusCode.ShouldBe(HttpStatusCode.OK);
        icon.Content.Headers.ContentType!.MediaType.ShouldBe("image/x-icon");
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private Task<HttpResponseMessage> Messages(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Http.SendAsync(request);
    }

    [Fact]
    public async Task AnEndedGameTakesNoNewPlayersButItsOwnCanLookAgain()
    {
        var game = await CreateAsync();
        var gameId = game.GetProperty("gameId").GetString()!;
        await using (var dataSource = server.Database.CreateDataSource())
        {
            await new Platform.Archive.Games.PostgresGameStore(dataSource, TimeProvider.System).EndAsync(gameId, DateTimeOffset.UtcNow, default);
        }

        var (status, body) = await JoinAsync(gameId, new { name = "Late" });
        status.ShouldBe(HttpStatusCode.Gone);
        Code(body).ShouldBe("game_ended");
        (await JoinAsync(gameId, new { playerId = game.GetProperty("playerId").GetString() })).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheLogIsReadWithTheGamesOwnToken()
    {
        var game = await CreateAsync();
        var other = await CreateAsync();
        var gameId = game.GetProperty("gameId").GetString()!;

        async Task<HttpResponseMessage> ReadAsync(string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/games/{gameId}/messages?after=0&limit=10");
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            return await Http.SendAsync(request);
        }

        var page = await (await ReadAsync(game.GetProperty("token").GetString())).Content.ReadFromJsonAsync<JsonElement>();
        page.GetProperty("latestSeq").GetInt64().ShouldBe(0);
        page.GetProperty("messages").GetArrayLength().ShouldBe(0);
        page.GetProperty("more").GetBoolean().ShouldBeFalse();

        (await ReadAsync(null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var foreign = await ReadAsync(other.GetProperty("token").GetString());
        foreign.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await foreign.Content.ReadAsStringAsync()).ShouldContain("The token is for another game.");
        var tampered = game.GetProperty("token").GetString()!;
        tampered = tampered[..^2] + (tampered[^2] == 'x' ? 'y' : 'x') + tampered[^1];
        (await (await ReadAsync(tampered)).Content.ReadAsStringAsync()).ShouldContain("the token has been altered");
    }

    private static class TestGamesTokens
    {
        public static JoinToken Open(string token)
        {
            Platform.TestSupport.Channels.TestGames.Tokens().TryOpen(token, out var opened, out var problem).ShouldBeTrue(problem);
            return opened;
        }
    }

    private sealed class TokenComparer : IEqualityComparer<JoinToken>
    {
        public static readonly TokenComparer IgnoringExpiry = new();

        public bool Equals(JoinToken? x, JoinToken? y) => x! with { ExpiresAtUnixSeconds = 0 } == y! with { ExpiresAtUnixSeconds = 0 };

        public int GetHashCode(JoinToken obj) => (obj with { ExpiresAtUnixSeconds = 0 }).GetHashCode();
    }
}
