using System.Diagnostics;

namespace LoadGen;

/// <summary>
/// What every kind of run measures over its window, measured one way: the server processes' CPU (from /proc),
/// the generator's own CPU and GC pauses, and GameChannels' collections and its own join and resume times
/// (from its /metrics, when --server-metrics is given). Memory is read by the run itself, since its "before"
/// comes before connecting.
/// </summary>
internal sealed class Window
{
    private readonly Options _options;
    private readonly HttpClient _http;
    private readonly Dictionary<int, double> _cpuBefore;
    private readonly TimeSpan _ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan _ownPauseBefore = GC.GetTotalPauseDuration();
    private ServerMetrics? _serverBefore;

    private Window(Options options, HttpClient http)
    {
        _options = options;
        _http = http;
        _cpuBefore = options.Pids.ToDictionary(p => p, ServerStats.CpuSeconds);
    }

    public static async Task<Window> OpenAsync(Options options, HttpClient http)
    {
        var window = new Window(options, http);
        window._serverBefore = await ServerStats.ScrapeAsync(http, options.ServerMetrics);
        return window;
    }

    public async Task<Measured> CloseAsync()
    {
        var cpu = _options.Pids.ToDictionary(p => p, p => ServerStats.CpuSeconds(p) - _cpuBefore[p]);
        return new Measured(cpu, (Process.GetCurrentProcess().TotalProcessorTime - _ownCpuBefore).TotalSeconds,
            (GC.GetTotalPauseDuration() - _ownPauseBefore).TotalMilliseconds,
            ServerFigures.Between(_serverBefore, await ServerStats.ScrapeAsync(_http, _options.ServerMetrics)));
    }
}

/// <summary>A window's figures: CPU seconds per server process, the generator's own CPU and GC pauses, GameChannels' own.</summary>
internal sealed record Measured(IReadOnlyDictionary<int, double> CpuSecondsByPid, double OwnCpuSeconds, double OwnPauseMs, ServerFigures? Server)
{
    public double ServerCpuSeconds => Math.Round(CpuSecondsByPid.Values.Sum(), 2);

    public double ServerCpuMicrosecondsPerDelivery(long deliveries) =>
        deliveries == 0 ? 0 : Math.Round(CpuSecondsByPid.Values.Sum() * 1e6 / deliveries, 1);

    /// <summary>Each server process's memory (read before connecting and at the end) with its CPU over the window.</summary>
    public List<ProcessMemory> Processes(IReadOnlyList<int> pids, IReadOnlyList<(string Name, long PeakRssKb, long RssKb)> before,
        IReadOnlyList<(string Name, long PeakRssKb, long RssKb)> atEnd, int connections) =>
        pids.Select((pid, i) => ProcessMemory.Of(atEnd[i].Name, atEnd[i].PeakRssKb, before[i].RssKb, atEnd[i].RssKb, connections, CpuSecondsByPid[pid])).ToList();
}
