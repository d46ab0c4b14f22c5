using System.Net;
using Platform.Games;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

public class AuthorizationTests(ChannelServer server) : IClassFixture<ChannelServer>
{
    private async Task<(HttpStatusCode Status, string Body)> NegotiateAsync(string gameId, string token)
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"channels/negotiate?game={gameId}&negotiateVersion=1");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request).DefaultTimeout();
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AValidTokenNegotiates()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        (await NegotiateAsync(game.GameId, game.Tokens[0])).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ATamperedTokenIsRefused()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        var token = game.Tokens[0];
        var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];

        var (status, body) = await NegotiateAsync(game.GameId, tampered);

        status.ShouldBe(HttpStatusCode.Unauthorized);
        body.ShouldContain("\"code\":\"unauthorized\"");
        body.ShouldContain("the token has been altered");
        await Should.ThrowAsync<Exception>(() => ChannelClient.ConnectAsync(server.Address, game.GameId, tampered));
    }

    [Fact]
    public async Task ATokenForAnotherGameIsRefused()
    {
        var mine = await TestGames.CreateAsync(server.Database, 2);
        var other = await TestGames.CreateAsync(server.Database, 2);

        var (status, body) = await NegotiateAsync(other.GameId, mine.Tokens[0]);

        status.ShouldBe(HttpStatusCode.Unauthorized);
        body.ShouldContain("The token is for another game.");
    }

    [Fact]
    public async Task AnExpiredOrForeignTokenIsRefused()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        var past = TestGames.Tokens(new ShiftedTime(TimeSpan.FromDays(-2)));
        var expired = past.Seal(past.Issue(game.GameId, game.Seats[0].PlayerId, 1, "chat", "Old"));
        (await NegotiateAsync(game.GameId, expired)).Body.ShouldContain("the token has expired");

        var foreignKeys = new JoinTokens(Microsoft.Extensions.Options.Options.Create(new TokenOptions
        {
            Keys = new() { ["elsewhere"] = Convert.ToBase64String(new byte[32]) },
            CurrentKeyId = "elsewhere",
        }), TimeProvider.System);
        var foreign = foreignKeys.Seal(foreignKeys.Issue(game.GameId, game.Seats[0].PlayerId, 1, "chat", "Spy"));
        (await NegotiateAsync(game.GameId, foreign)).Body.ShouldContain("sealed under a key this server does not hold");

        (await NegotiateAsync(game.GameId, "")).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
