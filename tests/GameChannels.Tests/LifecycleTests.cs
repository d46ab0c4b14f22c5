using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Npgsql;
using Platform.Jobs;
using Platform.Jobs.Contracts;
using Platform.Redis;
using Platform.TestSupport;
using Platform.TestSupport.Channels;
using StackExchange.Redis;

namespace GameChannels.Tests;

public class LifecycleTests(ChannelServer server) : IClassFixture<ChannelServer>
{
    [Fact]
    public async Task TheHostEndsTheGameAndEveryoneIsTold()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var host = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        await using var guest = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);

        ChannelClient.Refusal(await Should.ThrowAsync<HubException>(() => guest.EndGameAsync()))
            .ShouldBe("forbidden: only the host (seat 1) can end the game");
        var ended = await host.EndGameAsync();

        var seen = (await guest.ReadUntilAsync(e => e.Seq() == ended)).Last();
        seen.Type().ShouldBe("game.ended");
        seen.GetProperty("body").GetRawText().ShouldBe("""{"reason":"host","by":1}""");
        ChannelClient.Refusal(await Should.ThrowAsync<HubException>(() => guest.SendAsync("chat", new { text = "late" })))
            .ShouldBe($"game_ended: game {game.GameId} has ended");

        await using var dataSource = server.Database.CreateDataSource();
        await using var status = dataSource.CreateCommand($"SELECT status FROM games WHERE game_id = '{game.GameId}'");
        (await status.ExecuteScalarAsync().DefaultTimeout()).ShouldBe("ended");
        var jobs = await JobsFor(game.GameId, 2);
        jobs.Select(j => (j.Contract, j.Queue)).ShouldBe([(typeof(IArchiveGameJob), JobQueues.Migrate), (typeof(IGameStatsJob), JobQueues.Stats)], ignoreOrder: true);
        jobs.ShouldAllBe(j => j.Game.LastSeq == ended && j.Game.Reason == "host");
        using var http = new HttpClient { BaseAddress = server.Address };
        (await http.GetAsync("hangfire").DefaultTimeout()).StatusCode
            .ShouldBe(System.Net.HttpStatusCode.NotFound, "the channel server, which players reach, serves no dashboard");
    }

    [Fact]
    public async Task AnEndedGameStaysEndedWhenItsPlayersComeBack()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        long ended;
        await using (var host = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]))
        {
            ended = await host.EndGameAsync();
        }

        // Its players reload the page, on either transport, look at the game and go.
        await using (var again = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0], resume: false))
        {
            (await again.ResumeAllAsync(0)).Last().Seq().ShouldBe(ended);
        }
        await using (var guest = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1], resume: false))
        {
            (await guest.ResumeAllAsync(0)).Last().Seq().ShouldBe(ended);
        }

        // The log still ends at game.ended, and the game is not live again for the idle sweep.
        await using var last = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1], resume: false);
        var log = await last.ResumeAllAsync(0);
        log.Last().Type().ShouldBe("game.ended");
        log.Last().Seq().ShouldBe(ended);
        using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis).DefaultTimeout();
        (await redis.GetDatabase().SortedSetScoreAsync(RedisKeys.LiveGames, game.GameId).DefaultTimeout()).ShouldBeNull();
    }

    [Fact]
    public async Task AGameWithNoMessageAndNoConnectionForTheIdleTimeIsEnded()
    {
        var idleServer = new IdleServer();
        await idleServer.InitializeAsync();
        try
        {
        var game = await TestGames.CreateAsync(idleServer.Database, 2);
        using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis).DefaultTimeout();
        // Its last activity two hours ago, as if everyone had left then.
        await redis.GetDatabase().SortedSetAddAsync(RedisKeys.LiveGames, game.GameId,
            DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds());

        await using var dataSource = idleServer.Database.CreateDataSource();
        await Eventually.TrueAsync(async () =>
        {
            await using var status = dataSource.CreateCommand($"SELECT status FROM games WHERE game_id = '{game.GameId}'");
            return (string?)await status.ExecuteScalarAsync().DefaultTimeout() == "ended";
        }, TimeSpan.FromSeconds(60), "the idle sweep ends the game");
        await using var late = await ChannelClient.ConnectAsync(idleServer.Address, game.GameId, game.Tokens[0], resume: false);
        var log = await late.ResumeAllAsync(0);
        log.First().Type().ShouldBe("game.ended");
        log.First().GetProperty("body").GetRawText().ShouldBe("""{"reason":"idle"}""");
        (await JobsFor(game.GameId, 2)).ShouldAllBe(j => j.Game.Reason == "idle");
        }
        finally
        {
            await idleServer.DisposeAsync();
        }
    }

    [Fact]
    public async Task ARestartOfTheChannelServerMidGameLosesAndRepeatsNothing()
    {
        var database = server.Database;
        var game = await TestGames.CreateAsync(database, 2);
        var first = ServiceProcess.StartWithServers("GameChannels", database);
        await first.WaitUntilReadyAsync();
        var address = first.BaseAddress!;
        var a = await ChannelClient.ConnectAsync(address, game.GameId, game.Tokens[0]);
        var b = await ChannelClient.ConnectAsync(address, game.GameId, game.Tokens[1]);
        await using var plain = await WsChannelClient.ConnectAsync(address, game.GameId, game.Tokens[1]);
        for (var n = 0; n < 10; n++)
        {
            await (n % 2 == 0 ? a : b).SendAsync("chat", new { text = $"before-{n}" });
        }
        var lastBefore = await a.SendAsync("chat", new { text = "last before" });
        await b.ReadUntilAsync(e => e.Seq() == lastBefore);

        first.Terminate();
        await Task.WhenAll(a.Closed.Task, b.Closed.Task).DefaultTimeout();
        (await first.WaitForExitAsync()).ShouldBe(0, first.Describe());
        a.ReconnectAfterMs.ShouldNotBeNull("clients are told to come back").ShouldBeInRange(0, 3000);
        b.ReconnectAfterMs.ShouldNotBeNull();
        await plain.Closed.Task.DefaultTimeout();
        plain.ReconnectAfterMs.ShouldNotBeNull("the plain WebSocket transport says so too");
        await first.DisposeAsync();

        await using var second = ServiceProcess.StartWithServers("GameChannels", database,
            new() { ["PLATFORM_URLS"] = address.ToString().TrimEnd('/') });
        await WaitUntilReadyAsync(address);
        var histories = new List<List<JsonElement>>();
        foreach (var (before, token) in new[] { (a, game.Tokens[0]), (b, game.Tokens[1]) })
        {
            var last = before.History.Max(e => e.Seq());
            await using var again = await ChannelClient.ConnectAsync(address, game.GameId, token, resume: false);
            var history = before.History.Concat(await again.ResumeAllAsync(last)).ToList();
            var after = await again.SendAsync("chat", new { text = "after" }, clientMsgId: Guid.NewGuid().ToString());
            history.AddRange(await again.ReadUntilAsync(e => e.Seq() == after));
            histories.Add(history);
        }
        await a.DisposeAsync();
        await b.DisposeAsync();

        foreach (var history in histories)
        {
            var numbers = history.Select(e => e.Seq()).ToList();
            numbers.Distinct().Count().ShouldBe(numbers.Count, "nothing twice");
            numbers.ShouldBeInOrder(SortDirection.Ascending);
            numbers.ShouldBe(Enumerable.Range(1, numbers.Count).Select(i => (long)i), "no gap");
            history.Chats().Take(11).Select(e => e.Text()).ShouldBe([.. Enumerable.Range(0, 10).Select(n => $"before-{n}"), "last before"]);
            history.ShouldContain(e => e.Type() == "player.disconnected" && e.GetProperty("body").GetProperty("reason").GetString() == "server restarting");
        }
    }

    [Fact]
    public async Task AClientThatJoinsWhileTheServerStopsIsToldToComeBackToo()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var channels = ServiceProcess.StartWithServers("GameChannels", server.Database);
        await channels.WaitUntilReadyAsync();
        var address = channels.BaseAddress!;
        await using var first = await WsChannelClient.ConnectAsync(address, game.GameId, game.Tokens[0]);

        // Keep joining from the moment the server is told to stop until it refuses (503, then nothing listens):
        // a join may land after the open connections were told to come back.
        var started = Stopwatch.StartNew();
        channels.Terminate();
        var late = new List<WsChannelClient>();
        for (var attempt = 0; attempt < 200 && !channels.HasExited; attempt++)
        {
            try
            {
                late.Add(await WsChannelClient.ConnectAsync(address, game.GameId, game.Tokens[1], resume: false));
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException)
            {
                break;
            }
        }

        (await channels.WaitForExitAsync()).ShouldBe(0, channels.Describe());
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "nobody kept it waiting for the shutdown timeout");
        foreach (var client in late)
        {
            await client.Closed.Task.DefaultTimeout();
            client.ReconnectAfterMs.ShouldNotBeNull("every connection is told to come back, the late ones too");
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task AtStartTheServerForgetsConnectionsAPreviousProcessLeftBehind()
    {
        // A database of its own: this clears every game's presence in the database it is given.
        var ownRedis = await TestServers.OwnRedisAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(ownRedis).DefaultTimeout();
        var db = redis.GetDatabase();
        var stale = Enumerable.Range(0, 2500).Select(i => RedisKeys.GameOnline($"S{i:D5}")).ToArray();
        foreach (var key in stale)
        {
            await db.HashSetAsync(key, "1", 1);
        }

        await using var channels = ServiceProcess.StartWithServers("GameChannels", server.Database,
            new() { ["PLATFORM_REDIS__CONFIGURATION"] = ownRedis });
        await channels.WaitUntilReadyAsync();

        (await db.KeyExistsAsync(stale[0])).ShouldBeFalse();
        (await db.KeyExistsAsync(stale[^1])).ShouldBeFalse();
        channels.StandardOutput.ShouldNotContain(l => l.Contains("Could not clear stale presence", StringComparison.Ordinal), channels.Describe());
    }

    private static async Task WaitUntilReadyAsync(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await http.GetAsync("health/ready")).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the restarted channel server becomes ready");
    }

    /// <summary>
    /// The Hangfire jobs posted for the game, each with the queue it was put on, found in any state: a worker
    /// another test started on the same database may have run them already.
    /// </summary>
    private static async Task<List<(Type Contract, string Queue, GameEnded Game)>> JobsFor(string gameId, int expected)
    {
        await using var jobs = await TestJobs.ConnectAsync(TestServers.Redis);
        var found = await Eventually.ForAsync(() =>
        {
            var posted = new[] { JobQueues.Migrate, JobQueues.Stats }.SelectMany(jobs.All).DistinctBy(j => j.Id)
                .Where(j => j.Job.Args.FirstOrDefault() is GameEnded game && game.GameId == gameId)
                .Select(j => (j.Job.Type, jobs.Queue(j.Id)!, (GameEnded)j.Job.Args[0])).ToList();
            return posted.Count >= expected ? posted : null;
        }, TaskTimeouts.Default, $"{expected} jobs for game {gameId}");
        return found;
    }

    private sealed class IdleServer : ChannelServer
    {
        protected override Dictionary<string, string?> Settings => new()
        {
            ["PLATFORM_CHANNELS__IDLEMINUTES"] = "1",
            ["PLATFORM_CHANNELS__IDLESWEEPSECONDS"] = "1",
        };
    }
}
