using Platform.Games;
using Platform.TestSupport;
using StackExchange.Redis;

namespace Platform.Redis.Tests;

/// <summary>
/// The append script is sent once and then called by its hash (EVALSHA); a Redis that restarted has forgotten
/// it, and the next append loads it again by itself. Against a Redis of the test's own, since it is restarted.
/// </summary>
public sealed class ScriptCacheTests
{
    private static string Tail(string text) =>
        Envelopes.Tail(1, "chat", System.Text.Json.JsonSerializer.SerializeToElement(new { text }), 0, null, null);

    [Fact]
    public async Task AppendsGoByHashAndLoadTheScriptAgainAfterRedisRestarts()
    {
        await using var server = await RedisServerProcess.StartAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync($"{server.Configuration},abortConnect=false,allowAdmin=true").DefaultTimeout();
        var log = new GameLog(redis);
        var game = GameIds.New();

        for (var i = 1; i <= 20; i++)
        {
            (await log.AppendAsync(game, null, Tail($"{i}"), "1", null, 0).DefaultTimeout()).Seq.ShouldBe(i);
        }
        var before = await ScriptCallsAsync(redis);
        before.Eval.ShouldBeLessThanOrEqualTo(1, "the script text is sent at most once");
        before.EvalSha.ShouldBeGreaterThanOrEqualTo(19, "later appends call it by hash");

        await server.KillAsync();
        await server.StartAgainAsync();

        // The first append after the restart may meet the connection before it has noticed; it then fails with
        // a connection error and the next one goes through, as a room's next send would.
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await log.AppendAsync(game, null, Tail("after"), "1", null, 0).DefaultTimeout();
                return true;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "an append succeeds after Redis restarted");
        for (var i = 0; i < 10; i++)
        {
            await log.AppendAsync(game, null, Tail($"again {i}"), "1", null, 0).DefaultTimeout();
        }

        var (messages, _) = await log.ReadAsync(game, 0, 100, null).DefaultTimeout();
        messages.Select(m => m.Seq).ShouldBe(Enumerable.Range(1, 31).Select(i => (long)i), "numbering goes on from the kept log");
        var after = await ScriptCallsAsync(redis);
        after.EvalSha.ShouldBeGreaterThanOrEqualTo(10, "after the reload, by hash again");
        after.Eval.ShouldBeLessThanOrEqualTo(2);
    }

    [Fact]
    public async Task AScriptCacheEmptiedWhileCallsAreInFlightKeepsEachGamesNumbersInTheOrderAskedFor()
    {
        // A call that meets NOSCRIPT is sent again by the client; a later call must never overtake it, or two
        // appends of one game would be numbered in the opposite order to the one the room relays them in.
        await using var server = await RedisServerProcess.StartAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync($"{server.Configuration},allowAdmin=true").DefaultTimeout();
        var log = new GameLog(redis);
        var games = new[] { GameIds.New(), GameIds.New() };
        var appends = new List<Task<AppendResult>>();
        for (var round = 0; round < 8; round++)
        {
            for (var i = 0; i < GameLog.MaxBatch * 2; i++)
            {
                appends.Add(log.AppendAsync(games[i % 2], null, Tail($"{round}:{i}"), "1", null, 0));
            }
            await redis.GetServers()[0].ScriptFlushAsync().DefaultTimeout();
        }

        await Task.WhenAll(appends.Select(a => a.ContinueWith(_ => { }))).DefaultTimeout();
        for (var g = 0; g < games.Length; g++)
        {
            var numbers = appends.Where((_, i) => i % 2 == g).Where(a => a.IsCompletedSuccessfully).Select(a => a.Result.Seq).ToList();
            var failed = appends.Where((_, i) => i % 2 == g).Count(a => !a.IsCompletedSuccessfully);
            var wrong = numbers.Select((n, i) => (n, i)).FirstOrDefault(p => p.n != p.i + 1);
            wrong.n.ShouldBe(0, $"game {g}: the {wrong.i + 1}th append that succeeded got number {wrong.n} ({failed} failed, {numbers.Count} succeeded)");
            (await log.StateAsync(games[g])).LatestSeq.ShouldBe(numbers.Count);
        }
    }

    /// <summary>EVAL and EVALSHA calls since the server started, from INFO commandstats.</summary>
    private static async Task<(long Eval, long EvalSha)> ScriptCallsAsync(ConnectionMultiplexer redis)
    {
        var stats = (await redis.GetServers()[0].InfoAsync("commandstats")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return (Calls(stats, "cmdstat_eval"), Calls(stats, "cmdstat_evalsha"));
    }

    private static long Calls(Dictionary<string, string> stats, string command) =>
        stats.TryGetValue(command, out var line) ? long.Parse(line.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture) : 0;
}
