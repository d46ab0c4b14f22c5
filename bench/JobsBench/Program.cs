using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hangfire;
using Hangfire.Common;
using Hangfire.Redis.StackExchange;
using JobsBench;
using Platform.Jobs;
using Platform.Jobs.Contracts;
using StackExchange.Redis;

// JobsBench REDIS MIGRATOR.dll PORT OUTPUT.json [--jobs N] [--rounds R] [--paced N] [--kill-timeout S]
// Each part uses the real game-ended job of the migrate queue, and a MessageMigrator started here with its
// default settings (Jobs:WorkerCount 4), apart from what a part says.
var (redisConfiguration, migrator, port, output) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
int Option(string name, int fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
var (jobCount, rounds, paced, killTimeout) = (Option("--jobs", 1000), Option("--rounds", 3), Option("--paced", 300), Option("--kill-timeout", 120));

using var redis = await ConnectionMultiplexer.ConnectAsync(redisConfiguration);
var storage = JobsStorage.Create(redis);
var client = new BackgroundJobClient(storage);
var monitoring = storage.GetMonitoringApi();
var report = new Dictionary<string, object>();

GameEnded Game(int n) => new($"B{n:D6}", "bench", n, DateTimeOffset.UtcNow);

using (var worker = Worker.Start(migrator, redisConfiguration, port, new Dictionary<string, string>()))
{
    await Measure.UntilAsync(() => monitoring.Servers().Any(s => s.Queues.Contains(JobQueues.Migrate)), TimeSpan.FromSeconds(60), "the worker to start");
    var warmUp = Game(0);
    client.Enqueue<IArchiveGameJob>(j => j.GameEndedAsync(warmUp, CancellationToken.None));
    await Measure.UntilAsync(() => monitoring.SucceededListCount() >= 1, TimeSpan.FromSeconds(60), "the warm-up job");

    // Throughput: N jobs enqueued one after another from this client process, until the worker has run them all.
    var throughput = new List<object>();
    for (var round = 1; round <= rounds; round++)
    {
        var before = monitoring.GetStatistics().Succeeded;
        var clock = Stopwatch.StartNew();
        for (var n = 1; n <= jobCount; n++)
        {
            var game = Game(n);
            client.Enqueue<IArchiveGameJob>(j => j.GameEndedAsync(game, CancellationToken.None));
        }
        var enqueued = clock.Elapsed.TotalSeconds;
        await Measure.UntilAsync(() => monitoring.GetStatistics().Succeeded - before >= jobCount, TimeSpan.FromMinutes(5), "the jobs to complete");
        var done = clock.Elapsed.TotalSeconds;
        throughput.Add(new { jobs = jobCount, enqueueSeconds = enqueued, enqueuePerSecond = jobCount / enqueued, endToEndSeconds = done, jobsPerSecond = jobCount / done });
        Console.WriteLine($"round {round}: {jobCount} jobs enqueued in {enqueued:0.00} s ({jobCount / enqueued:0} /s), all completed after {done:0.00} s: {jobCount / done:0} jobs/s");
    }
    report["throughput"] = throughput;

    // Latency from enqueue to start, with the worker idle: one job every 20 ms, timestamps the storage recorded.
    var ids = new List<string>();
    for (var n = 0; n < paced; n++)
    {
        var game = Game(n);
        ids.Add(client.Enqueue<IArchiveGameJob>(j => j.GameEndedAsync(game, CancellationToken.None)));
        await Task.Delay(20);
    }
    await Measure.UntilAsync(() => ids.All(id => State(id) == "Succeeded"), TimeSpan.FromMinutes(2), "the paced jobs");
    var latencies = ids.Select(StartLatencyMs).Order().ToList();
    report["enqueueToStartMs"] = new { jobs = paced, p50 = Measure.Percentile(latencies, 0.50), p99 = Measure.Percentile(latencies, 0.99), max = latencies[^1] };
    Console.WriteLine($"enqueue to start, {paced} jobs at 50/s: p50 {Measure.Percentile(latencies, 0.5):0.0} ms, p99 {Measure.Percentile(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms");

    // A worker killed with kill -9 mid-job, a new one started at once: how long until the job runs again.
    var slow = client.Enqueue(JobQueues.Migrate, () => Task.Delay(TimeSpan.FromSeconds(10)));
    await Measure.UntilAsync(() => State(slow) == "Processing", TimeSpan.FromSeconds(60), "the slow job to start");
    worker.KillHard();
    var killedAt = DateTime.UtcNow;
    using var next = Worker.Start(migrator, redisConfiguration, port, new Dictionary<string, string>
    {
        ["PLATFORM_JOBS__INVISIBILITYTIMEOUTSECONDS"] = killTimeout.ToString(CultureInfo.InvariantCulture),
    });
    await Measure.UntilAsync(() => Runs(slow).Count >= 2, TimeSpan.FromSeconds(killTimeout + 300), "the killed worker's job to run again");
    var again = (Runs(slow)[1] - killedAt).TotalSeconds;
    report["killedJobPickedUpAfterSeconds"] = new { invisibilityTimeoutSeconds = killTimeout, seconds = again };
    Console.WriteLine($"kill -9 mid-job: run again {again:0.0} s after the kill (invisibility timeout {killTimeout} s)");
}

await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
return 0;

string? State(string id)
{
    using var connection = storage.GetConnection();
    return connection.GetStateData(id)?.Name;
}

// The storage's own timestamps: EnqueuedAt of the (last) Enqueued state, StartedAt of the Processing state.
double StartLatencyMs(string id)
{
    var history = monitoring.JobDetails(id).History;
    var started = JobHelper.DeserializeDateTime(history.First(h => h.StateName == "Processing").Data["StartedAt"]);
    var enqueued = JobHelper.DeserializeDateTime(history.First(h => h.StateName == "Enqueued").Data["EnqueuedAt"]);
    return (started - enqueued).TotalMilliseconds;
}

List<DateTime> Runs(string id) =>
    [.. monitoring.JobDetails(id).History.Where(h => h.StateName == "Processing").Select(h => JobHelper.DeserializeDateTime(h.Data["StartedAt"])).Order()];
