using System.Diagnostics;

namespace JobsBench;

/// <summary>A MessageMigrator process, the migrate queue's worker, as systemd would run it.</summary>
internal sealed class Worker : IDisposable
{
    private readonly Process _process;

    private Worker(Process process) => _process = process;

    public static Worker Start(string binary, string redis, int port, IReadOnlyDictionary<string, string> settings)
    {
        var info = new ProcessStartInfo("dotnet", [binary]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["PLATFORM_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["PLATFORM_REDIS__CONFIGURATION"] = redis;
        info.Environment["PLATFORM_LOGGING__LOGLEVEL__DEFAULT"] = "Warning";
        foreach (var (name, value) in settings)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"worker: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Worker(process);
    }

    /// <summary>kill -9: the process ends at once and hands back nothing.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
