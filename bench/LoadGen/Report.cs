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
    int Parts = 1, string? LatencySamples = null, ServerFigures? Server = null);

/// <summary>
/// GameChannels' garbage collections over the measured time and how long they paused it in all; and, from its
/// histograms, the bucket that holds the 99th percentile of its own upgrade, join and resume times (an upper
/// bound: the histograms keep counts per bucket, not times), to tell the server's share of a resume from the rest.
/// </summary>
internal sealed record ServerFigures(double GcPauseMs, long Gen0, long Gen1, long Gen2, long Joins, double? JoinP99AtMostMs, long Resumes, double? ResumeP99AtMostMs,
    long Upgrades, double? UpgradeP99AtMostMs)
{
    public static ServerFigures? Between(ServerMetrics? before, ServerMetrics? after) =>
        before is null || after is null ? null
            : new ServerFigures(Math.Round((after.GcPauseSeconds - before.GcPauseSeconds) * 1000), after.Gen0 - before.Gen0,
                after.Gen1 - before.Gen1, after.Gen2 - before.Gen2,
                ServerMetrics.Count(before.Join, after.Join), ServerMetrics.P99AtMostMs(before.Join, after.Join),
                ServerMetrics.Count(before.Resume, after.Resume), ServerMetrics.P99AtMostMs(before.Resume, after.Resume),
                ServerMetrics.Count(before.Upgrade, after.Upgrade), ServerMetrics.P99AtMostMs(before.Upgrade, after.Upgrade));
}

/// <summary>The parts of GameChannels' /metrics (Prometheus text) the load generator reads.</summary>
internal sealed record ServerMetrics(double GcPauseSeconds, long Gen0, long Gen1, long Gen2,
    SortedList<double, long> Join, SortedList<double, long> Resume, SortedList<double, long> Upgrade)
{
    public static ServerMetrics Parse(string text)
    {
        var lines = text.Split('\n');
        // name{labels} value: the exporter adds labels of its own (otel_scope_name), so one is looked for among them.
        double Value(string name, string? label = null) => lines
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(l => label is null || l.Contains(label, StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.IndexOf(' ', l.LastIndexOf('}') + 1) + 1)..].Split(' ')[0], CultureInfo.InvariantCulture))
            .FirstOrDefault();
        // name_bucket{le="0.005"} 12, cumulative; +Inf as infinity.
        SortedList<double, long> Buckets(string name)
        {
            var buckets = new SortedList<double, long>();
            foreach (var line in lines.Where(l => l.StartsWith(name + "_bucket{", StringComparison.Ordinal)))
            {
                var le = line[(line.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
                le = le[..le.IndexOf('"')];
                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                buckets[bound] = (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
            return buckets;
        }
        return new ServerMetrics(Value("dotnet_gc_pause_time_seconds_total"),
            (long)Value("dotnet_gc_collections_total", "gc_heap_generation=\"gen0\""),
            (long)Value("dotnet_gc_collections_total", "gc_heap_generation=\"gen1\""),
            (long)Value("dotnet_gc_collections_total", "gc_heap_generation=\"gen2\""),
            Buckets("platform_channel_join_duration_seconds"), Buckets("platform_channel_resume_duration_seconds"),
            Buckets("platform_channel_upgrade_duration_seconds"));
    }

    public static long Count(SortedList<double, long> before, SortedList<double, long> after) =>
        after.Count == 0 ? 0 : after.Values[^1] - before.GetValueOrDefault(double.PositiveInfinity);

    /// <summary>The upper bound of the bucket where the 99th percentile of what was recorded in between falls.</summary>
    public static double? P99AtMostMs(SortedList<double, long> before, SortedList<double, long> after)
    {
        var total = Count(before, after);
        if (total == 0)
        {
            return null;
        }
        foreach (var (bound, cumulative) in after)
        {
            if (cumulative - before.GetValueOrDefault(bound) >= Math.Ceiling(0.99 * total))
            {
                return double.IsPositiveInfinity(bound) ? null : bound * 1000;
            }
        }
        return null;
    }
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
/// <summary>Reconnects and their times; <c>By</c> is how the first pages were had: url (?after=) or request.</summary>
internal sealed record ResumeReport(long Count, long Failed, Percentiles Ms, Percentiles ConnectMs, Percentiles PageMs, string By)
{
    public static ResumeReport Of((float[] Total, float[] Connect, float[] Page) times, long failed, string by) =>
        new(times.Total.Length, failed, Percentiles.Of(times.Total), Percentiles.Of(times.Connect), Percentiles.Of(times.Page), by);
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
                $", {server.Name} {server.PeakRssKbPerConnection} KB/connection at peak, {server.RssKbPerConnection} at the end of sending ({server.GrownKbPerConnection} KB grown)");
        }
        if (s.Server is { } own)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $", GC paused {own.GcPauseMs:0} ms ({own.Gen0} gen0, {own.Gen1} gen1, {own.Gen2} gen2)");
            if (own.Resumes > 0)
            {
                line += string.Create(CultureInfo.InvariantCulture,
                    $", server's own p99: upgrade <= {own.UpgradeP99AtMostMs?.ToString(CultureInfo.InvariantCulture) ?? "over 1000"} ms, " +
                    $"join <= {own.JoinP99AtMostMs?.ToString(CultureInfo.InvariantCulture) ?? "over 1000"} ms, " +
                    $"resume page <= {own.ResumeP99AtMostMs?.ToString(CultureInfo.InvariantCulture) ?? "over 1000"} ms");
            }
        }
        if (s.Resume is { } r)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $", {r.Count} resumes by {r.By}: p50 {r.Ms.P50:0.0} ms, p99 {r.Ms.P99:0.0} ms, max {r.Ms.Max:0.0} ms " +
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
