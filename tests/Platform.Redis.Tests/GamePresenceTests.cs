using Platform.Games;
using Platform.TestSupport;

namespace Platform.Redis.Tests;

/// <summary>Who is connected, against a real Redis, with changes from many games sent together.</summary>
public sealed class GamePresenceTests : RedisTests
{
    private GamePresence Presence => field ??= new GamePresence(Redis);

    [Fact]
    public async Task ASeatIsNewOnceAndOnlineWhileItHasAConnection()
    {
        var game = GameIds.New();

        (await Presence.ConnectedAsync(game, 1, "Ada")).ShouldBeTrue();
        (await Presence.ConnectedAsync(game, 1, "Ada")).ShouldBeFalse("a second tab");
        (await Presence.ConnectedAsync(game, 2, "Bo")).ShouldBeTrue();
        (await Presence.OnlineSeatsAsync(game)).ShouldBe(new HashSet<int> { 1, 2 });

        await Presence.DisconnectedAsync(game, 1);
        (await Presence.OnlineSeatsAsync(game)).ShouldBe(new HashSet<int> { 1, 2 }, "seat 1 has another connection");
        await Presence.DisconnectedAsync(game, 1);
        await Presence.DisconnectedAsync(game, 2);
        (await Presence.OnlineSeatsAsync(game)).ShouldBeEmpty();

        await Presence.DisconnectedAsync(game, 2); // a count cleared by a restart: never below zero
        (await Presence.ConnectedAsync(game, 2, "Bo")).ShouldBeFalse("seat 2 was here before");
        (await Presence.OnlineSeatsAsync(game)).ShouldBe(new HashSet<int> { 2 });
    }

    [Fact]
    public async Task ChangesAreAppliedInTheOrderTheyWereMadeWithSeveralCallsInFlight()
    {
        // Each seat connects and disconnects in turn, more times than a few full batches hold. Applied out of
        // order, a disconnection would meet a count of zero (and be dropped, as after a restart), and the seat
        // would stay online at the end. The first change stands alone, so that batches end between a seat's
        // connection and its disconnection.
        var games = Enumerable.Range(0, 7).Select(_ => GameIds.New()).ToList();
        var changes = new List<Task>();
        var firsts = new List<Task<bool>> { Presence.ConnectedAsync(games[0], 2, "Bo") };
        for (var round = 0; round < GamePresence.MaxBatch / 2; round++)
        {
            foreach (var game in games)
            {
                firsts.Add(Presence.ConnectedAsync(game, 1, "Ada"));
                changes.Add(Presence.DisconnectedAsync(game, 1));
            }
        }

        changes.Add(Presence.DisconnectedAsync(games[0], 2));

        await Task.WhenAll(changes.Concat(firsts)).DefaultTimeout();

        (await Task.WhenAll(firsts)).Count(first => first).ShouldBe(games.Count + 1, "one first connection per seat");
        foreach (var game in games)
        {
            (await Presence.OnlineSeatsAsync(game)).ShouldBeEmpty(game);
        }
    }
}
