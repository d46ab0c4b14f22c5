using System.Net;
using System.Net.Sockets;

namespace Deploy.Tests;

/// <summary>
/// The real redis-server reads the distribution's redis.conf with the include install.sh appends, and ends up
/// with the platform's settings: the include is last, so it wins over Debian's "appendonly no".
/// </summary>
public sealed class RedisConfigTests : IDisposable
{
    private const string DebianConf = "/etc/redis/redis.conf";
    private readonly HostRoot _host = new();

    [Fact]
    public async Task Redis_runs_with_the_platform_settings_over_the_distributions()
    {
        var conf = _host.PathOf(DebianConf);
        Directory.CreateDirectory(Path.GetDirectoryName(conf)!);
        File.WriteAllText(conf, DistributionConf());
        await _host.InstallAsync("--no-start");
        // The include names the real /etc/redis; point it at the test's copy.
        File.WriteAllText(conf, File.ReadAllText(conf).Replace(
            "include /etc/redis/", $"include {_host.PathOf("/etc/redis/")}", StringComparison.Ordinal));

        var data = Directory.CreateDirectory(_host.PathOf("/var/lib/redis")).FullName;
        var port = FreePort();
        // Command-line options come after the file: only where and how this throwaway server runs.
        var started = await Command.RunAsync(RedisServer(), [conf,
            "--port", port, "--dir", data, "--daemonize", "yes", "--pidfile", Path.Combine(data, "redis.pid"),
            "--logfile", Path.Combine(data, "redis.log"), "--supervised", "no", "--save", ""]);
        started.ExitCode.ShouldBe(0, started.Output);
        try
        {
            await WaitForPong(port, data);

            (await ConfigGet(port, "appendonly")).ShouldBe("yes");
            (await ConfigGet(port, "appendfsync")).ShouldBe("everysec");
            (await ConfigGet(port, "maxmemory-policy")).ShouldBe("noeviction");
            (await ConfigGet(port, "maxmemory")).ShouldNotBe("0", "maxmemory is set, for the operator to size");
            (await ConfigGet(port, "protected-mode")).ShouldBe("yes");
            (await ConfigGet(port, "bind")).ShouldBe("127.0.0.1 -::1");
        }
        finally
        {
            await Command.RunAsync("redis-cli", ["-p", port, "shutdown", "nosave"]);
        }
    }

    /// <summary>The host's own redis.conf when it can be read; otherwise the defaults the include must override.</summary>
    private static string DistributionConf()
    {
        try
        {
            return File.ReadAllText(DebianConf);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "bind 127.0.0.1 -::1\nappendonly no\nmaxmemory-policy allkeys-lru\n";
        }
    }

    private static string RedisServer() =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("redis-server is missing: install the 'redis-server' package");

    private static async Task<string> ConfigGet(string port, string name)
    {
        var result = await Command.RunAsync("redis-cli", ["-p", port, "config", "get", name]);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2, result.Output);
        return lines[1];
    }

    private static async Task WaitForPong(string port, string data)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((await Command.RunAsync("redis-cli", ["-p", port, "ping"])).StandardOutput.Trim() == "PONG")
            {
                return;
            }
            await Task.Delay(100);
        }
        var log = Path.Combine(data, "redis.log");
        throw new TimeoutException("redis-server did not answer within 10 s: " + (File.Exists(log) ? File.ReadAllText(log) : "no log"));
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _host.Dispose();
}
