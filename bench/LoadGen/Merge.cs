namespace LoadGen;

/// <summary>
/// Combines the summaries of load generators that ran together against one server (bench/run hold) into one:
/// counts add up, percentiles come from all latencies at once (each part saved its own), and the server's
/// CPU and memory, which every part measured over the same window, are taken once.
/// </summary>
internal static class Merge
{
    public static async Task<int> RunAsync(Options options)
    {
        var parts = new List<Summary>();
        foreach (var path in options.Merge)
        {
            parts.Add(System.Text.Json.JsonSerializer.Deserialize(await File.ReadAllTextAsync(path), ReportJson.Default.Summary)
                ?? throw new InvalidDataException($"{path} holds no summary"));
        }
        var latencies = parts.SelectMany(p => p.LatencySamples is { } file ? Stats.Load(file) : []).ToArray();
        var connections = parts.Sum(p => p.Connections);
        var deliveries = parts.Sum(p => p.Deliveries);
        var serverCpu = parts.Max(p => p.ServerCpuSeconds);
        // Peak and "under load" are the highest any part saw; "before" the lowest, read before any part connected.
        var processes = parts.SelectMany(p => p.Processes).GroupBy(m => m.Name).Select(g =>
            ProcessMemory.Of(g.Key, g.Max(m => m.PeakRssKb), g.Min(m => m.RssBeforeKb), g.Max(m => m.RssKb), connections, g.Max(m => m.CpuSeconds))).ToList();
        var summary = parts[0] with
        {
            Games = parts.Sum(p => p.Games),
            Connections = connections,
            SetupSeconds = parts.Max(p => p.SetupSeconds),
            SendingSeconds = parts.Max(p => p.SendingSeconds),
            Sent = parts.Sum(p => p.Sent),
            Logged = parts.Sum(p => p.Logged),
            Unacknowledged = parts.Sum(p => p.Unacknowledged),
            Deliveries = deliveries,
            // The parts sent over the same window: their rates add up.
            DeliveriesPerSecond = parts.Sum(p => p.DeliveriesPerSecond),
            Lost = parts.Sum(p => p.Lost),
            Duplicated = parts.Sum(p => p.Duplicated),
            OutOfOrder = parts.Sum(p => p.OutOfOrder),
            Errors = parts.Sum(p => p.Errors),
            LatencyMs = Percentiles.Of(latencies),
            ServerCpuSeconds = serverCpu,
            ServerCpuMicrosecondsPerDelivery = deliveries == 0 ? 0 : Math.Round(serverCpu * 1e6 / deliveries, 1),
            LoadGeneratorCpuSeconds = Math.Round(parts.Sum(p => p.LoadGeneratorCpuSeconds), 2),
            // Each part pauses on its own: the worst part's total says most about the latencies.
            LoadGeneratorGcPauseMs = parts.Max(p => p.LoadGeneratorGcPauseMs),
            Processes = processes,
            RedisUsedMemoryBytes = parts.Max(p => p.RedisUsedMemoryBytes),
            // Resume times are not saved per sample: a merged run reports none rather than a wrong percentile.
            Resume = null,
            Churn = null,
            Parts = parts.Count,
            LatencySamples = null,
            // The parts measured the same window of the same server: the longest reading is the whole.
            Server = parts.Select(p => p.Server).OfType<ServerFigures>().MaxBy(g => g.GcPauseMs),
        };
        return await Report.FinishAsync(summary, options);
    }
}
