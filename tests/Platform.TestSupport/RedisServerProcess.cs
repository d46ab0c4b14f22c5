using System.Diagnostics;
using StackExchange.Redis;

namespace Platform.TestSupport;

/// <summary>
/// A redis-server of a test's own, on a free port with its data in a temporary folder, for the few tests that
/// must stop or restart Redis (the shared one in <see cref="TestServers"/> serves everything else). AOF is on,
/// as on a host, so a restart keeps what was written.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("platform-redis-").FullName;
    private Process? _process;

    public int Port { get; } = FreePort.Next();

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>The folder Redis keeps its data in (appendonlydir/, dump.rdb).</summary>
    public string DataFolder => _folder;

    public static async Task<RedisServerProcess> StartAsync()
    {
        var server = new RedisServerProcess();
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts redis-server (again) on the same port and folder, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--port", $"{Port}", "--bind", "127.0.0.1", "--dir", _folder, "--appendonly", "yes",
            "--appendfsync", "always", "--save", "", "--maxmemory-policy", "noeviction",
        })
        {
            info.ArgumentList.Add(argument);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var probe = await ConnectionMultiplexer.ConnectAsync($"{Configuration},connectTimeout=500");
                await probe.GetDatabase().PingAsync();
                return true;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), $"redis-server on port {Port} answers");
    }

    /// <summary>
    /// A copy of the data as it is now (AOF with fsync always: every acknowledged write), in a folder of its own,
    /// to bring back later with <see cref="RestoreData"/>, as a host whose Redis lost its last writes would.
    /// </summary>
    public string CopyData()
    {
        var copy = Directory.CreateTempSubdirectory("platform-redis-copy-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(_folder, "appendonlydir")))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        return copy;
    }

    /// <summary>Puts a copy from <see cref="CopyData"/> back in place of the data; the server must be stopped.</summary>
    public void RestoreData(string copy)
    {
        var data = Path.Combine(_folder, "appendonlydir");
        Directory.Delete(data, recursive: true);
        Directory.CreateDirectory(data);
        foreach (var file in Directory.GetFiles(copy))
        {
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        }
    }

    /// <summary>Stops the server at once, as a crash would (SIGKILL); AOF with fsync always keeps every write.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync().DefaultTimeout();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp folder's cleaning.
        }
    }
}
