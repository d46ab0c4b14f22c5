using System.Text.Json;
using Platform.Redis;
using Platform.TestSupport;
using Platform.TestSupport.Channels;
using StackExchange.Redis;

namespace GameChannels.Tests;

/// <summary>
/// Redis comes back with an older copy of its data (a host that crashed with appendfsync everysec loses up to a
/// second of appends): the game's numbering would restart below numbers its players have already received, and
/// their clients would drop the next messages as seen. The channel notices and goes on in a new epoch, which
/// tells every client to read the log again. Each test has its own Redis, to put the older copy back.
/// </summary>
public class ShorterLogTests
{
    [Fact]
    public async Task AGameThatGoesOnAfterRedisLostItsLastWritesGoesOnInANewEpochOverSignalR()
    {
        await using var setup = await Setup.StartAsync();
        var game = await TestGames.CreateAsync(setup.Database, 2);
        await using var host = await ChannelClient.ConnectAsync(setup.Channels.BaseAddress!, game.GameId, game.Tokens[0]);
        await using var guest = await ChannelClient.ConnectAsync(setup.Channels.BaseAddress!, game.GameId, game.Tokens[1]);
        var before = (await host.ResumeAsync(0)).GetProperty("epoch").GetString();
        await host.SendAsync("chat", new { text = "kept" });
        var copy = setup.Redis.CopyData();
        long seen = 0;
        for (var i = 0; i < 3; i++)
        {
            seen = await host.SendAsync("chat", new { text = $"lost {i}" });
        }
        await guest.ReadUntilAsync(e => e.Seq() == seen);

        await setup.RestoreAsync(copy);

        // The room relayed up to `seen`; the next append finds the log shorter. Both connections are sent to
        // resume, as the log changed under them.
        await using var sender = await ConnectAgainAsync(() => ChannelClient.ConnectAsync(setup.Channels.BaseAddress!, game.GameId, game.Tokens[0], resume: false));
        var after = await sender.SendAsync("chat", new { text = "after the restore" });
        await guest.Closed.Task.DefaultTimeout();

        await using var back = await ChannelClient.ConnectAsync(setup.Channels.BaseAddress!, game.GameId, game.Tokens[1], resume: false);
        var page = await back.ResumeAsync(seen);
        page.GetProperty("epoch").GetString().ShouldNotBe(before, "a client that saw the lost messages must read the log again");
        var log = await back.ResumeAllAsync(0);
        AssertReadAgain(log, after);
    }

    [Fact]
    public async Task AClientThatResumesBeyondTheEndOfALogThatCameBackShorterIsToldOfANewEpochOverWebSockets()
    {
        await using var setup = await Setup.StartAsync();
        var game = await TestGames.CreateAsync(setup.Database, 2);
        string before;
        long seen = 0;
        string copy;
        await using (var host = await WsChannelClient.ConnectAsync(setup.Channels.BaseAddress!, game.GameId, game.Tokens[0]))
        await using (var guest = await WsChannelClient.ConnectAsync(setup.Channels.BaseAddress!, game.GameId, game.Tokens[1]))
        {
            before = (await host.RequestAsync(new { op = "resume", afterSeq = 0 })).GetProperty("result").GetProperty("epoch").GetString()!;
            await host.SendAsync("chat", new { text = "kept" });
            copy = setup.Redis.CopyData();
            for (var i = 0; i < 3; i++)
            {
                seen = await host.SendAsync("chat", new { text = $"lost {i}" });
            }
            await guest.ReadUntilAsync(e => e.Seq() == seen);
        }
        // Both gone and the room closed (its last message logged), as when a whole host restarts.
        using (var redis = await ConnectionMultiplexer.ConnectAsync(setup.Redis.Configuration).DefaultTimeout())
        {
            await Eventually.TrueAsync(async () => await redis.GetDatabase().StreamLengthAsync(RedisKeys.GameLog(game.GameId)) == seen + 2,
                TimeSpan.FromSeconds(20), "both players' leaving is logged");
        }

        await setup.RestoreAsync(copy);

        await using var back = await ConnectAgainAsync(() => WsChannelClient.ConnectAsync(setup.Channels.BaseAddress!, game.GameId, game.Tokens[1], resume: false));
        var page = (await back.RequestAsync(new { op = "resume", afterSeq = seen })).GetProperty("result");
        var renewed = page.GetProperty("epoch").GetString();
        renewed.ShouldNotBe(before, "a client that saw the lost messages must read the log again");
        var after = await back.SendAsync("chat", new { text = "after the restore" });
        AssertReadAgain(await back.ResumeAllAsync(0), after);

        // The other player, back with the same old number, is told the same epoch: one new epoch, not one each.
        await using var other = await WsChannelClient.ConnectAsync(setup.Channels.BaseAddress!, game.GameId, game.Tokens[0], resume: false);
        (await other.RequestAsync(new { op = "resume", afterSeq = seen })).GetProperty("result").GetProperty("epoch").GetString().ShouldBe(renewed);
    }

    /// <summary>Read again from the start: what survived, then the new message, numbered without a gap.</summary>
    private static void AssertReadAgain(List<JsonElement> log, long after)
    {
        log.Select(e => e.Seq()).ShouldBe(Enumerable.Range(1, log.Count).Select(n => (long)n));
        log.Chats().Select(e => e.Text()).ShouldBe(["kept", "after the restore"]);
        log.ShouldContain(e => e.Seq() == after);
    }

    /// <summary>Connects once Redis answers the channel server again (its client reconnects by itself).</summary>
    private static Task<T> ConnectAgainAsync<T>(Func<Task<T>> connect) where T : class =>
        Eventually.ForAsync<T>(async () =>
        {
            try
            {
                return await connect();
            }
            catch (Exception e) when (e is not ShouldAssertException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(30), "the channel server takes connections again after Redis restarted");

    private sealed class Setup : IAsyncDisposable
    {
        public required TestDatabase Database { get; init; }

        public required RedisServerProcess Redis { get; init; }

        public required ServiceProcess Channels { get; init; }

        public static async Task<Setup> StartAsync()
        {
            var database = await TestDatabase.CreateMigratedAsync();
            var redis = await RedisServerProcess.StartAsync();
            var channels = ServiceProcess.StartWithServers("GameChannels", database, new()
            {
                ["PLATFORM_REDIS__CONFIGURATION"] = redis.Configuration,
            });
            await channels.WaitUntilReadyAsync();
            return new Setup { Database = database, Redis = redis, Channels = channels };
        }

        /// <summary>Stops Redis as a crash would, puts the older copy back, and starts it again.</summary>
        public async Task RestoreAsync(string copy)
        {
            await Redis.KillAsync();
            Redis.RestoreData(copy);
            await Redis.StartAgainAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Channels.DisposeAsync();
            await Redis.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
