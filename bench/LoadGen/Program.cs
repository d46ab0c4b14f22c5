using LoadGen;

// The benchmark's load generator (bench/README.md). One run is one of: a steady load on a fixed set of games
// (with --drop-every, players also drop their connections and resume); games that start, play and end
// continuously (--game-seconds); or --merge, the summaries of load generators that ran together, combined.
// It prints one JSON summary and one line; exit code 1 if anything was lost, duplicated, out of order or
// unacknowledged (or p99 passed --max-p99), so that the smoke scenario can run as a test.
var options = Options.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

if (options.Merge.Length > 0)
{
    return await Merge.RunAsync(options);
}
// Every wait of a run ends by itself: one that outlives its sending time by ten minutes (a server that stopped
// reading, so that a send never completes) is stopped and said to be so, not left hanging. Setting up 18,000
// connections takes about 30 s here.
var limit = options.Warmup + options.Duration + TimeSpan.FromMinutes(10);
cancel.CancelAfter(limit);
try
{
    return options.GameTime > TimeSpan.Zero
        ? await ChurnRun.RunAsync(options, cancel.Token)
        : await SteadyRun.RunAsync(options, cancel.Token);
}
catch (Exception e) when (e is ServerGoneException or System.Net.WebSockets.WebSocketException or HttpRequestException)
{
    // A server that is not there or refuses a player (setting up, or a resume's reconnect): one line, no trace.
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 2;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync($"error: the run was stopped: interrupted, or not done within {limit.TotalSeconds:0} s");
    return 2;
}
