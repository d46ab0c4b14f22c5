using System.Diagnostics;
using System.Text.Json;
using LoadGen;

// Creates the games, connects every player, sends for the given time, waits for the last deliveries, then
// reports one JSON summary (and one line for people). Exit code 1 if anything was lost, duplicated or out of
// order (or p99 passed --max-p99), so that the smoke scenario can run as a test.
var options = Options.Parse(args);
var stats = new Stats();
using var web = new HttpClient { BaseAddress = options.Web, Timeout = TimeSpan.FromSeconds(30) };
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

var clock = Stopwatch.StartNew();
var games = new List<Game>();
var gate = new SemaphoreSlim(options.ConnectConcurrency);
var setup = Enumerable.Range(0, options.Games).Select(async _ =>
{
    await gate.WaitAsync(cancel.Token);
    try
    {
        var (game, channels, tokens) = await Game.CreateAsync(web, options.Title, options.Players);
        for (var seat = 1; seat <= options.Players; seat++)
        {
            var player = new Player(game, seat, tokens[seat - 1], stats, plain: options.Transport == "ws");
            game.Seats.Add(player);
            await player.ConnectAsync(channels, cancel.Token);
        }
        await Task.WhenAll(game.Seats.Select(p => p.Live)).WaitAsync(TimeSpan.FromSeconds(60), cancel.Token);
        lock (games)
        {
            games.Add(game);
        }
    }
    finally
    {
        gate.Release();
    }
});
await Task.WhenAll(setup);
var players = games.SelectMany(g => g.Seats).ToList();
var setupSeconds = clock.Elapsed.TotalSeconds;

var cpuBefore = options.Pids.ToDictionary(p => p, ServerStats.CpuSeconds);
var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
stats.Recording = true;
var started = Stopwatch.GetTimestamp();
var until = started + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
await Task.WhenAll(players.Select(p => p.SendLoopAsync(options.Rate, options.Size, until, cancel.Token)));
var sendingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

// Drain: the last messages are still on their way. Bounded: at most 10 s.
for (var waited = 0; waited < 100 && games.Any(g => g.Lost() > 0); waited++)
{
    await Task.Delay(100);
}
var cpuAfter = options.Pids.ToDictionary(p => p, ServerStats.CpuSeconds);
var ownCpu = (Process.GetCurrentProcess().TotalProcessorTime - ownCpuBefore).TotalSeconds;
stats.Recording = false;
var lost = games.Sum(g => g.Lost());
var latency = stats.Percentiles();
var serverCpu = options.Pids.Sum(p => cpuAfter[p] - cpuBefore[p]);
var redisMemory = await ServerStats.RedisUsedMemoryAsync(options.Redis);
var memory = options.Pids.Select(ServerStats.Memory).ToList();
await Task.WhenAll(players.Select(p => p.CloseAsync()));

var summary = new
{
    scenario = options.Scenario,
    transport = options.Transport,
    games = games.Count,
    playersPerGame = options.Players,
    connections = players.Count,
    ratePerPlayer = options.Rate,
    messageBytes = options.Size,
    setupSeconds = Math.Round(setupSeconds, 1),
    sendingSeconds = Math.Round(sendingSeconds, 1),
    sent = stats.Sent,
    logged = stats.Acknowledged,
    deliveries = stats.Deliveries,
    deliveriesPerSecond = Math.Round(stats.Deliveries / sendingSeconds),
    lost,
    duplicated = stats.Duplicated,
    outOfOrder = stats.OutOfOrder,
    errors = stats.Errors,
    latencyMs = new { p50 = Math.Round(latency.P50, 2), p95 = Math.Round(latency.P95, 2), p99 = Math.Round(latency.P99, 2), max = Math.Round(latency.Max, 2) },
    serverCpuSeconds = Math.Round(serverCpu, 2),
    serverCpuMicrosecondsPerDelivery = stats.Deliveries == 0 ? 0 : Math.Round(serverCpu * 1e6 / stats.Deliveries, 1),
    // The generator shares the cores with the servers: what it takes is not available to them.
    loadGeneratorCpuSeconds = Math.Round(ownCpu, 2),
    processes = memory.Select(m => new { name = m.Name, peakRssMb = Math.Round(m.PeakRssKb / 1024.0, 1), rssKbPerConnection = players.Count == 0 ? 0 : Math.Round((double)m.RssKb / players.Count, 1) }),
    redisUsedMemoryBytes = redisMemory,
};
var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
Console.WriteLine(json);
if (options.Output is not null)
{
    await File.WriteAllTextAsync(options.Output, json);
}
var healthy = lost == 0 && stats.Duplicated == 0 && stats.OutOfOrder == 0 && stats.Sent > 0 && latency.P99 <= options.MaxP99Ms;
Console.WriteLine(
    $"{options.Scenario} ({options.Transport}): {games.Count} games x {options.Players}, {summary.deliveriesPerSecond:0} deliveries/s, " +
    $"p50 {latency.P50:0.0} ms, p99 {latency.P99:0.0} ms, max {latency.Max:0.0} ms, lost {lost}, duplicated {stats.Duplicated}, " +
    $"out of order {stats.OutOfOrder}, server CPU {summary.serverCpuMicrosecondsPerDelivery} us/delivery: {(healthy ? "OK" : "FAILED")}");
return healthy ? 0 : 1;
