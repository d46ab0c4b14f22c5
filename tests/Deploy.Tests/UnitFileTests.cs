namespace Deploy.Tests;

/// <summary>
/// The units are checked as installed: deploy/install.sh --root lays them and a fake payload out in a temp
/// folder, and systemd-analyze --root reads them there, so ExecStart= points at a real executable without
/// touching this machine's /opt or /etc. The distribution's own units (sysinit.target, network-online.target,
/// ...) are copied in, because --root looks for every unit under the root.
/// </summary>
public sealed class UnitFileTests : IDisposable
{
    private readonly HostRoot _host = new();

    [Fact]
    public async Task Every_unit_passes_systemd_analyze_verify()
    {
        await InstallWithSystemUnits();

        var result = await SystemdAnalyze(["verify", $"--root={_host.Root}", .. Repo.Units]);

        // verify exits 0 on warnings such as an unknown or misspelled directive, so read what it says too.
        result.Output.Split('\n').Where(MentionsOurs).ShouldBeEmpty(result.Output);
        result.ExitCode.ShouldBe(0, result.Output);
    }

    [Fact]
    public async Task Verify_reports_a_misspelled_directive_in_our_unit()
    {
        // Shows that the check above can fail: this is the kind of mistake it exists to catch.
        await InstallWithSystemUnits();
        var unit = _host.PathOf("/etc/systemd/system/platform-web.service");
        File.WriteAllText(unit, File.ReadAllText(unit).Replace("WatchdogSec=30", "WatchdogSecs=30", StringComparison.Ordinal));

        var result = await SystemdAnalyze(["verify", $"--root={_host.Root}", "platform-web.service"]);

        result.Output.Split('\n').Where(MentionsOurs).ShouldContain(line => line.Contains("WatchdogSecs"));
    }

    [Fact]
    public async Task Services_keep_their_hardening()
    {
        await InstallWithSystemUnits();
        string[] services = ["platform-dbmigrate.service", .. Repo.Services.Select(s => $"platform-{s}.service")];

        // Exposure is 0.0 (locked down) to 10.0; these units score 1.5. 2.0 leaves room for a justified change
        // but fails if a block of the hardening is dropped.
        var result = await SystemdAnalyze(
            ["security", "--offline=yes", $"--root={_host.Root}", "--threshold=20", "--no-pager", .. services]);

        result.ExitCode.ShouldBe(0, result.Output);
        result.Output.Split('\n').Count(l => l.Contains("Overall exposure level", StringComparison.Ordinal))
            .ShouldBe(services.Length, result.Output);
    }

    /// <summary>A line about one of our units (the temp root's own path does not count, whatever it is called).</summary>
    private bool MentionsOurs(string line) =>
        line.Replace(_host.Root, "", StringComparison.Ordinal).Contains("platform", StringComparison.OrdinalIgnoreCase);

    private async Task InstallWithSystemUnits()
    {
        await _host.InstallAsync("--no-start");
        var systemUnits = new[] { "/usr/lib/systemd/system", "/lib/systemd/system" }.FirstOrDefault(Directory.Exists)
            ?? throw new InvalidOperationException("no /usr/lib/systemd/system: install the 'systemd' package");
        var target = Directory.CreateDirectory(_host.PathOf("/usr/lib/systemd/system")).FullName;
        foreach (var file in Directory.EnumerateFiles(systemUnits))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file))); // follows alias symlinks
        }
    }

    private static Task<CommandResult> SystemdAnalyze(IEnumerable<string> args)
    {
        var tool = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        tool.ShouldNotBeNull("systemd-analyze is missing: install the 'systemd' package (apt-get install systemd)");
        return Command.RunAsync(tool, args);
    }

    public void Dispose() => _host.Dispose();
}
