using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Platform.TestSupport;

/// <summary>
/// One of the built deployables, started as its own process the way systemd or ./run starts it, with its
/// output captured. Disposing kills it if it is still running.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private ServiceProcess(Process process, Uri? baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the service listens, when it was given a port.</summary>
    public Uri? BaseAddress { get; }

    public IReadOnlyList<string> StandardOutput => [.. _stdout];

    public IReadOnlyList<string> StandardError => [.. _stderr];

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <paramref name="project"/> with only the given PLATFORM_ settings (none inherited from the
    /// test runner) and, for a service, a free port of its own, or <paramref name="port"/> when another
    /// process must know the address before this one starts.
    /// With <paramref name="underSystemd"/>, its parent process is named <c>systemd</c>, which is how
    /// Microsoft.Extensions.Hosting.Systemd tells that systemd started it.
    /// </summary>
    public static ServiceProcess Start(
        string project, Dictionary<string, string?> environment, IEnumerable<string>? args = null, bool listen = true, int? port = null,
        bool underSystemd = false)
    {
        var info = new ProcessStartInfo(underSystemd ? FakeSystemd.Value : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (underSystemd)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(ForwardingScript);
            info.ArgumentList.Add("systemd");
            info.ArgumentList.Add("dotnet");
        }
        info.ArgumentList.Add(RepoPaths.Binary(project));
        foreach (var arg in args ?? [])
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var name in info.Environment.Keys.Where(IsInherited).ToList())
        {
            info.Environment.Remove(name);
        }
        Uri? baseAddress = null;
        if (listen)
        {
            baseAddress = new Uri($"http://127.0.0.1:{port ?? FreePort.Next()}/");
            info.Environment["PLATFORM_URLS"] = baseAddress.ToString().TrimEnd('/');
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var service = new ServiceProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) service._stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) service._stderr.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>A service wired to this run's Redis and to <paramref name="database"/>.</summary>
    public static ServiceProcess StartWithServers(
        string project, TestDatabase database, Dictionary<string, string?>? extra = null, IEnumerable<string>? args = null, int? port = null,
        bool underSystemd = false)
    {
        var environment = TestServers.Environment(database);
        foreach (var (name, value) in extra ?? [])
        {
            environment[name] = value;
        }
        return Start(project, environment, args, port: port, underSystemd: underSystemd);
    }

    /// <summary>Waits for the process to end on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _process.WaitForExitAsync().DefaultTimeout(timeout);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as systemd does on stop.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Sends SIGKILL (kill -9): the process ends at once, with no chance to hand back its work.</summary>
    public void KillHard()
    {
        if (Kill(_process.Id, SigKill) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGKILL) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        _process.WaitForExit();
    }

    /// <summary>Polls /health/ready until it answers 200 (or the process dies, or time runs out).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TaskTimeouts.Default);
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{Describe()}");
            }
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException)
            {
                // One slow answer while the machine is busy starting services: ask again until the deadline.
                last = "no answer within 5 s";
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Not ready in time; last answer: {last}\n{Describe()}");
    }

    /// <summary>Everything the process wrote, for failure messages.</summary>
    public string Describe() =>
        "stdout:\n" + string.Join('\n', _stdout) + "\nstderr:\n" + string.Join('\n', _stderr);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().DefaultTimeout();
        }
        _process.Dispose();
    }

    // Settings must come from the test alone, not from the shell that ran it.
    private static bool IsInherited(string name) =>
        name.StartsWith("PLATFORM_", StringComparison.Ordinal) || name is "NOTIFY_SOCKET" or "WATCHDOG_USEC" or "WATCHDOG_PID"
            or "JOURNAL_STREAM" or "ASPNETCORE_URLS" or "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT";

    private const int SigTerm = 15;

    private const int SigKill = 9;

    /// <summary>A copy of bash named <c>systemd</c>, so that /proc/PARENT/comm says "systemd".</summary>
    private static readonly Lazy<string> FakeSystemd = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("platform-fake-systemd-").FullName;
        var path = Path.Combine(folder, "systemd");
        File.Copy("/bin/bash", path); // with its mode: executable
        return path;
    });

    // Stays the service's parent (no exec), passes SIGTERM on as systemd would send it, and exits with the
    // service's code. A wait cut short by the trap is waited again.
    private const string ForwardingScript = """
        "$@" & child=$!
        trap 'kill -TERM "$child"' TERM
        wait "$child"; status=$?
        while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
        exit "$status"
        """;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
