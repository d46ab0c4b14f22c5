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
try
{
    return options.GameTime > TimeSpan.Zero
        ? await ChurnRun.RunAsync(options, cancel.Token)
        : await SteadyRun.RunAsync(options, cancel.Token);
}
catch (ServerGoneException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 2;
}
