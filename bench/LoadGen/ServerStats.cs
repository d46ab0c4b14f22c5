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
        var stat = Proc(pid, "stat", File.ReadAllText);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>The process's name (its .dll for dotnet), peak RSS and RSS now, in KB.</summary>
    public static (string Name, long PeakRssKb, long RssKb) Memory(int pid)
    {
        string name = "", peak = "0", rss = "0";
        foreach (var line in Proc(pid, "status", File.ReadAllLines))
        {
            if (line.StartsWith("Name:", StringComparison.Ordinal)) name = line[5..].Trim();
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = line[6..].Trim().Split(' ')[0];
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = line[6..].Trim().Split(' ')[0];
        }
        var command = Proc(pid, "cmdline", File.ReadAllText).Split('\0').FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal));
        return (command is null ? name : Path.GetFileNameWithoutExtension(command), long.Parse(peak, CultureInfo.InvariantCulture), long.Parse(rss, CultureInfo.InvariantCulture));
    }

    /// <summary>Reads /proc/PID/FILE; a process that is gone is the run's end, said plainly.</summary>
    private static T Proc<T>(int pid, string file, Func<string, T> read)
    {
        try
        {
            return read($"/proc/{pid}/{file}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ServerGoneException($"process {pid} (--pids) is not running: the server stopped or crashed; see its log");
        }
    }

    /// <summary>GameChannels' figures so far, from its /metrics (null without a URL): see <see cref="ServerMetrics"/>.</summary>
    public static async Task<ServerMetrics?> ScrapeAsync(HttpClient http, Uri? metrics) =>
        metrics is null ? null : ServerMetrics.Parse(await http.GetStringAsync(metrics));

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

/// <summary>A server process named in --pids is gone.</summary>
internal sealed class ServerGoneException(string message) : Exception(message);
