using System.Diagnostics;

namespace LoadGen;

/// <summary>
/// Games that come and go (the churn scenario): --games slots, each playing one game after another. A game is
/// created, played for --game-seconds, ended by its host (op "end") and replaced by a new one; the slots start
/// spread over one game's time so that games end at a steady pace. Redis used_memory is sampled all along.
/// </summary>
internal static class ChurnRun
{
    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var stats = new Stats { Recording = true };
        using var web = new HttpClient { BaseAddress = options.Web, Timeout = TimeSpan.FromSeconds(30) };
        var before = options.Pids.Select(ServerStats.Memory).ToList();
        var baseline = await ServerStats.RedisUsedMemoryAsync(options.Redis) ?? 0;
        var window = await Window.OpenAsync(options, web);
        var started = Stopwatch.GetTimestamp();
        var until = started + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var gameTicks = (long)(options.GameTime.TotalSeconds * Stopwatch.Frequency);
        var pacer = new Pacer(cancellationToken);
        int live = 0, games = 0;
        long ended = 0, lost = 0, unacknowledged = 0;

        async Task SlotAsync(int slot)
        {
            await Task.Delay(options.GameTime * slot / options.Games, cancellationToken);
            // A game starts only if it can be played to its end within the run.
            while (Stopwatch.GetTimestamp() + gameTicks < until)
            {
                var game = await Game.StartAsync(options, web, stats, cancellationToken);
                Interlocked.Increment(ref games);
                Interlocked.Increment(ref live);
                var stop = Stopwatch.GetTimestamp() + gameTicks;
                await pacer.SendAsync(game.Seats, options.Rate, options.Size, stop);
                await Game.DrainAsync([game]);
                await game.Seats[0].EndAsync(cancellationToken);
                Interlocked.Add(ref lost, game.Lost());
                Interlocked.Add(ref unacknowledged, game.Unacknowledged());
                Interlocked.Decrement(ref live);
                Interlocked.Increment(ref ended);
                await Task.WhenAll(game.Seats.Select(p => p.CloseAsync()));
            }
        }

        var samples = new List<ChurnSample>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            // Until the slots are done (by the end of the run), then cancelled.
            using var timer = new PeriodicTimer(options.SampleEvery);
            try
            {
                while (await timer.WaitForNextTickAsync(sampling.Token))
                {
                    var used = await ServerStats.RedisUsedMemoryAsync(options.Redis) ?? 0;
                    var at = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1);
                    samples.Add(new ChurnSample(at, used, Volatile.Read(ref live), Interlocked.Read(ref ended)));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, options.Games).Select(SlotAsync));
        var sendingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        var after = options.Pids.Select(ServerStats.Memory).ToList(); // the last games have just closed: see the peak
        var measured = await window.CloseAsync();
        var latencies = stats.Latencies();

        var summary = new Summary(
            options.Scenario, options.Bare is null ? "platform" : "bare relay", options.Transport, games, options.Players,
            options.Games * options.Players, options.Rate, options.Size, 0, Math.Round(sendingSeconds, 1),
            stats.Sent, stats.Acknowledged, unacknowledged, stats.Deliveries, Math.Round(stats.Deliveries / sendingSeconds),
            lost, stats.Duplicated, stats.OutOfOrder, stats.Errors, Percentiles.Of(latencies), measured.ServerCpuSeconds,
            measured.ServerCpuMicrosecondsPerDelivery(stats.Deliveries), Math.Round(measured.OwnCpuSeconds, 2), Math.Round(measured.OwnPauseMs),
            measured.Processes(options.Pids, before, after, options.Games * options.Players),
            await ServerStats.RedisUsedMemoryAsync(options.Redis), Resume: null, Memory(options, baseline, ended, samples),
            Server: measured.Server);
        return await Report.FinishAsync(summary, options);
    }

    private static ChurnReport Memory(Options options, long baseline, long ended, List<ChurnSample> samples)
    {
        double PerLiveGame(ChurnSample s) => s.LiveGames == 0 ? 0 : Math.Round((double)(s.UsedMemoryBytes - baseline) / s.LiveGames);
        var beforeAnyEnded = samples.LastOrDefault(s => s.EndedGames == 0 && s.LiveGames > 0);
        // While every slot plays: after the first game's time, before the slots stop starting new games.
        var steady = samples.Where(s => s.Seconds >= options.GameTime.TotalSeconds && s.Seconds <= (options.Duration - options.GameTime).TotalSeconds).ToList();
        var recent = steady.TakeLast(5).Select(PerLiveGame).ToArray();
        // Least squares slope of used_memory over the count of ended games: what each ended game leaves behind.
        double slope = 0;
        if (steady.Count >= 2)
        {
            double meanX = steady.Average(s => s.EndedGames), meanY = steady.Average(s => s.UsedMemoryBytes);
            var variance = steady.Sum(s => (s.EndedGames - meanX) * (s.EndedGames - meanX));
            slope = variance == 0 ? 0 : steady.Sum(s => (s.EndedGames - meanX) * (s.UsedMemoryBytes - meanY)) / variance;
        }
        return new ChurnReport(options.Games, options.GameTime.TotalSeconds, ended, baseline,
            beforeAnyEnded is null ? 0 : PerLiveGame(beforeAnyEnded), recent, Math.Round(slope), samples);
    }
}
