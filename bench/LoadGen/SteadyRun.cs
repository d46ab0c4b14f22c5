using System.Diagnostics;

namespace LoadGen;

/// <summary>
/// A fixed set of games: creates them, connects every player, sends for the given time, waits for the last
/// deliveries, then reports. With --drop-every (the resume scenario), a third of the players in turn drop their
/// connection and resume while the others send.
/// </summary>
internal static class SteadyRun
{
    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var stats = new Stats();
        using var web = new HttpClient { BaseAddress = options.Web, Timeout = TimeSpan.FromSeconds(30) };
        var before = options.Pids.Select(ServerStats.Memory).ToList();

        var clock = Stopwatch.StartNew();
        var games = new List<Game>();
        using var gate = new SemaphoreSlim(options.ConnectConcurrency);
        await Task.WhenAll(Enumerable.Range(0, options.Games).Select(async _ =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var game = await Game.StartAsync(options, web, stats, cancellationToken);
                lock (games)
                {
                    games.Add(game);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        var players = games.SelectMany(g => g.Seats).ToList();
        var setupSeconds = clock.Elapsed.TotalSeconds;
        await Rendezvous.PassAsync(options, "connected", cancellationToken);

        // Sending starts with a warm-up at the same rate, measured by nothing: the first seconds after ten
        // thousand connections come up belong to the JIT's tiering and the heaps' growth, not to the steady
        // state the run reports.
        var warmupTicks = (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        var until = Stopwatch.GetTimestamp() + warmupTicks + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var sending = new Pacer(cancellationToken).SendAsync(players, options.Rate, options.Size, until);
        await Task.Delay(options.Warmup, cancellationToken);

        var window = await Window.OpenAsync(options, web);
        stats.Recording = true;
        var started = Stopwatch.GetTimestamp();
        var drops = options.DropEvery > TimeSpan.Zero ? DropRoundsAsync(players, options.DropEvery, started, until, cancellationToken) : Task.CompletedTask;
        await sending;
        await drops;
        var sendingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var underLoad = options.Pids.Select(ServerStats.Memory).ToList();

        await Game.DrainAsync(games);
        var measured = await window.CloseAsync();
        stats.Recording = false;
        var latencies = stats.Latencies();
        if (options.Latencies is not null)
        {
            Stats.Save(options.Latencies, latencies);
        }
        var summary = new Summary(
            options.Scenario, options.Bare is null ? "platform" : "bare relay", options.Transport, games.Count, options.Players,
            players.Count, options.Rate, options.Size, Math.Round(setupSeconds, 1), Math.Round(sendingSeconds, 1),
            stats.Sent, stats.Acknowledged, games.Sum(g => g.Unacknowledged()), stats.Deliveries,
            Math.Round(stats.Deliveries / sendingSeconds), games.Sum(g => g.Lost()), stats.Duplicated, stats.OutOfOrder,
            stats.Errors, Percentiles.Of(latencies), measured.ServerCpuSeconds, measured.ServerCpuMicrosecondsPerDelivery(stats.Deliveries),
            // The generator shares the cores with the servers: what it takes is not available to them.
            Math.Round(measured.OwnCpuSeconds, 2), Math.Round(measured.OwnPauseMs),
            measured.Processes(options.Pids, before, underLoad, players.Count),
            await ServerStats.RedisUsedMemoryAsync(options.Redis),
            options.DropEvery > TimeSpan.Zero ? ResumeReport.Of(stats.Resumes(), stats.ResumeFailures, options.ResumeBy) : null,
            Churn: null, options.Parts, options.Latencies, measured.Server);

        // Every part measures with all connections open before any closes its own.
        await Rendezvous.PassAsync(options, "measured", cancellationToken);
        await Task.WhenAll(players.Select(p => p.CloseAsync()));
        return await Report.FinishAsync(summary, options);
    }

    /// <summary>
    /// Every <paramref name="every"/>, a third of the players (each third in turn) drop their connection at once
    /// and each comes back after a random 0 to 3 s, a client's wait after an unexpected close (docs/protocol.md
    /// section 10). The last round starts at least 5 s before sending ends, so that it is back by then.
    /// </summary>
    private static async Task DropRoundsAsync(List<Player> players, TimeSpan every, long started, long until, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            var at = started + (long)(every.TotalSeconds * round * Stopwatch.Frequency);
            if (at + 5 * Stopwatch.Frequency > until)
            {
                return;
            }
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), at);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
            var third = players.Where((_, i) => i % 3 == round % 3);
            await Task.WhenAll(third.Select(p => p.DropAndReconnectAsync(TimeSpan.FromMilliseconds(Random.Shared.Next(3000)), cancellationToken)));
        }
    }
}
