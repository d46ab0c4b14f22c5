using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadGen;

/// <summary>One run's JSON summary (bench/results/*.json); load generators that ran together are merged from these.</summary>
internal sealed record Summary(
    string Scenario, string Target, string Transport, int Games, int PlayersPerGame, int Connections, double RatePerPlayer,
    int MessageBytes, double SetupSeconds, double SendingSeconds, long Sent, long Logged, long Unacknowledged,
    long Deliveries, double DeliveriesPerSecond, long Lost, long Duplicated, long OutOfOrder, long Errors, Percentiles LatencyMs,
    double ServerCpuSeconds, double ServerCpuMicrosecondsPerDelivery, double LoadGeneratorCpuSeconds, double LoadGeneratorGcPauseMs,
    IReadOnlyList<ProcessMemory> Processes, long? RedisUsedMemoryBytes, ResumeReport? Resume, ChurnReport? Churn,
    int Parts = 1, string? LatencySamples = null, GcFigures? ServerGc = null);

/// <summary>GameChannels' garbage collections over the measured time, and how long they paused it in all.</summary>
internal sealed record GcFigures(double PauseMs, long Gen0, long Gen1, long Gen2)
{
    public static GcFigures? Between(GcFigures? before, GcFigures? after) =>
        before is null || after is null ? null
            : new GcFigures(after.PauseMs - before.PauseMs, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2);
}

internal sealed record Percentiles(double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(float[] samples)
    {
        if (samples.Length == 0)
        {
            return new Percentiles(0, 0, 0, 0);
        }
        Array.Sort(samples);
        double At(double q) => Math.Round(samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(q * samples.Length) - 1)], 2);
        return new Percentiles(At(0.50), At(0.95), At(0.99), Math.Round(samples[^1], 2));
    }
}

/// <summary>
/// A server process's memory in KB: peak, before the load generator connected, and at the end of sending
/// (every connection still open); per connection, the peak and the growth. And its CPU seconds over the
/// measured time, so that the server's CPU per delivery splits into the channel server's and Redis's.
/// </summary>
internal sealed record ProcessMemory(string Name, double PeakRssMb, long PeakRssKb, long RssBeforeKb, long RssKb,
    double PeakRssKbPerConnection, double RssKbPerConnection, double GrownKbPerConnection, double CpuSeconds)
{
    public static ProcessMemory Of(string name, long peakKb, long beforeKb, long rssKb, int connections, double cpuSeconds)
    {
        double PerConnection(long kb) => connections == 0 ? 0 : Math.Round((double)kb / connections, 1);
        return new ProcessMemory(name, Math.Round(peakKb / 1024.0, 1), peakKb, beforeKb, rssKb,
            PerConnection(peakKb), PerConnection(rssKb), PerConnection(rssKb - beforeKb), Math.Round(cpuSeconds, 2));
    }
}

/// <summary>Resume times: whole, and split at the answered WebSocket upgrade into connecting and paging.</summary>
internal sealed record ResumeReport(long Count, long Failed, Percentiles Ms, Percentiles ConnectMs, Percentiles PageMs)
{
    public static ResumeReport Of((float[] Total, float[] Connect, float[] Page) times, long failed) =>
        new(times.Total.Length, failed, Percentiles.Of(times.Total), Percentiles.Of(times.Connect), Percentiles.Of(times.Page));
}

internal sealed record ChurnSample(double Seconds, long UsedMemoryBytes, int LiveGames, long EndedGames);

/// <summary>
/// Redis memory under churn: per live game (used_memory above the baseline over the live games) at the last
/// sample before any game ended, the same ratio over the last samples while every slot plays (it creeps up as
/// long as ended games stay in Redis), and the slope of used_memory over the count of ended games.
/// </summary>
internal sealed record ChurnReport(int LiveGames, double GameSeconds, long GamesEnded, long BaselineBytes,
    double BytesPerLiveGame, double[] BytesPerLiveGameRecent, double BytesPerEndedGame, IReadOnlyList<ChurnSample> Samples);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Summary))]
internal sealed partial class ReportJson : JsonSerializerContext;

internal static class Report
{
    /// <summary>Writes the summary (JSON, then one line) and returns the exit code: 1 unless healthy.</summary>
    public static async Task<int> FinishAsync(Summary summary, Options options)
    {
        var json = JsonSerializer.Serialize(summary, ReportJson.Default.Summary);
        Console.WriteLine(json);
        if (options.Output is not null)
        {
            await File.WriteAllTextAsync(options.Output, json);
        }
        var healthy = summary is { Lost: 0, Duplicated: 0, OutOfOrder: 0, Unacknowledged: 0, Errors: 0, Sent: > 0 }
            && summary.LatencyMs.P99 <= options.MaxP99Ms && (summary.Resume?.Failed ?? 0) == 0;
        Console.WriteLine(Line(summary) + (healthy ? ": OK" : ": FAILED"));
        return healthy ? 0 : 1;
    }

    private static string Line(Summary s)
    {
        var on = s.Target == "bare relay" ? "bare relay" : s.Transport;
        var parts = s.Parts <= 1 ? "" : s.LatencySamples is null ? $", {s.Parts} load generators" : $", one of {s.Parts} load generators";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{s.Scenario} ({on}): {s.Games} games x {s.PlayersPerGame}{parts}, {s.DeliveriesPerSecond:0} deliveries/s, " +
            $"p50 {s.LatencyMs.P50:0.0} ms, p99 {s.LatencyMs.P99:0.0} ms, max {s.LatencyMs.Max:0.0} ms, lost {s.Lost}, " +
            $"duplicated {s.Duplicated}, out of order {s.OutOfOrder}, unacknowledged {s.Unacknowledged}, " +
            $"server CPU {s.ServerCpuMicrosecondsPerDelivery} us/delivery");
        if (s.Processes.Count > 1 && s.Deliveries > 0)
        {
            line += " (" + string.Join(", ", s.Processes.Select(p =>
                string.Create(CultureInfo.InvariantCulture, $"{p.Name} {Math.Round(p.CpuSeconds * 1e6 / s.Deliveries, 1)}"))) + ")";
        }
        if (s.Processes.Count > 0)
        {
            var server = s.Processes[0];
            line += string.Create(CultureInfo.InvariantCulture,
                $", {server.Name} {server.PeakRssKbPerConnection} KB/connection at peak ({server.GrownKbPerConnection} KB grown)");
        }
        if (s.ServerGc is { } gc)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $", GC paused {gc.PauseMs:0} ms ({gc.Gen0} gen0, {gc.Gen1} gen1, {gc.Gen2} gen2)");
        }
        if (s.Resume is { } r)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $", {r.Count} resumes: p50 {r.Ms.P50:0.0} ms, p99 {r.Ms.P99:0.0} ms, max {r.Ms.Max:0.0} ms " +
                $"(connect p99 {r.ConnectMs.P99:0.0}, then to live p99 {r.PageMs.P99:0.0}), {r.Failed} failed");
        }
        if (s.Churn is { } c)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $", {c.GamesEnded} games ended, Redis {c.BytesPerLiveGame / 1024:0.0} KB per live game " +
                $"(lately {(c.BytesPerLiveGameRecent.Length > 0 ? c.BytesPerLiveGameRecent[^1] : 0) / 1024:0.0}), " +
                $"+{c.BytesPerEndedGame / 1024:0.0} KB per ended game");
        }
        return line;
    }
}
