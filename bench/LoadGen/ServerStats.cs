using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LoadGen;

/// <summary>CPU seconds and memory of the server processes (from /proc), and Redis's used_memory.</summary>
internal static class ServerStats
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>The process's name (its .dll for dotnet), peak RSS and RSS now, in KB.</summary>
    public static (string Name, long PeakRssKb, long RssKb) Memory(int pid)
    {
        string name = "", peak = "0", rss = "0";
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("Name:", StringComparison.Ordinal)) name = line[5..].Trim();
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = line[6..].Trim().Split(' ')[0];
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = line[6..].Trim().Split(' ')[0];
        }
        var command = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal));
        return (command is null ? name : Path.GetFileNameWithoutExtension(command), long.Parse(peak, CultureInfo.InvariantCulture), long.Parse(rss, CultureInfo.InvariantCulture));
    }

    /// <summary>The server's garbage-collector pauses so far (from its /metrics), or null without a URL.</summary>
    public static async Task<GcFigures?> GcAsync(HttpClient http, Uri? metrics)
    {
        if (metrics is null)
        {
            return null;
        }
        var text = await http.GetStringAsync(metrics);
        double Value(string name) => text.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();
        return new GcFigures(
            Math.Round(Value("dotnet_gc_pause_time_seconds_total ") * 1000),
            (long)Value("dotnet_gc_collections_total{gc_heap_generation=\"gen0\"}"),
            (long)Value("dotnet_gc_collections_total{gc_heap_generation=\"gen1\"}"),
            (long)Value("dotnet_gc_collections_total{gc_heap_generation=\"gen2\"}"));
    }

    public static async Task<long?> RedisUsedMemoryAsync(string? endpoint)
    {
        if (endpoint is null)
        {
            return null;
        }
        var parts = endpoint.Split(':');
        using var client = new TcpClient();
        await client.ConnectAsync(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("INFO memory\r\n"));
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        // Bounded: Redis answers in one reply of a few KB; a closed connection ends it too.
        for (var reads = 0; reads < 100 && (!text.ToString().Contains("used_memory:", StringComparison.Ordinal) || !text.ToString().EndsWith("\r\n", StringComparison.Ordinal)); reads++)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        var line = text.ToString().Split("\r\n").FirstOrDefault(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line["used_memory:".Length..], CultureInfo.InvariantCulture);
    }
}
