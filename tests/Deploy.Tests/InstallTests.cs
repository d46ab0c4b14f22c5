namespace Deploy.Tests;

public sealed class InstallTests : IDisposable
{
    private readonly HostRoot _host = new();

    [Fact]
    public async Task Lays_out_binaries_units_settings_and_redis_config()
    {
        await _host.InstallAsync("--no-start");

        foreach (var (name, binary) in Repo.Deployables)
        {
            var file = _host.PathOf($"/opt/platform/{name}/{binary}");
            File.Exists(file).ShouldBeTrue(file);
            File.GetUnixFileMode(file).HasFlag(UnixFileMode.OtherExecute).ShouldBeTrue($"{file} is executable by user platform");
            File.Exists(_host.PathOf($"/etc/platform/{name}.env")).ShouldBeTrue($"{name}.env");
            Directory.Exists(_host.PathOf($"/opt/platform/{name}.previous")).ShouldBeFalse("nothing to keep on a first install");
        }
        foreach (var unit in Repo.Units)
        {
            File.ReadAllText(_host.PathOf($"/etc/systemd/system/{unit}"))
                .ShouldBe(File.ReadAllText(Path.Combine(Repo.SystemdFolder, unit)));
        }
        var common = _host.PathOf("/etc/platform/common.env");
        File.Exists(common).ShouldBeTrue();
        // Secrets go in these files: readable by root and group platform only.
        File.GetUnixFileMode(common).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        File.Exists(_host.PathOf("/etc/redis/platform-redis.conf")).ShouldBeTrue();
        File.Exists(_host.PathOf("/usr/local/bin/platform-accounting")).ShouldBeTrue();
    }

    [Fact]
    public async Task Upgrade_keeps_edited_settings_and_the_previous_version()
    {
        await _host.InstallAsync("--no-start");
        var webEnv = _host.PathOf("/etc/platform/web.env");
        const string edited = "PLATFORM_URLS=http://127.0.0.1:9999\n";
        File.WriteAllText(webEnv, edited);
        var redisConf = _host.PathOf("/etc/redis/platform-redis.conf");
        File.AppendAllText(redisConf, "maxmemory 3gb\n");

        _host.WritePayload("v2");
        await _host.InstallAsync("--no-start");

        File.ReadAllText(webEnv).ShouldBe(edited);
        File.ReadAllText(redisConf).ShouldEndWith("maxmemory 3gb\n");
        foreach (var (name, binary) in Repo.Deployables)
        {
            (await VersionOf($"/opt/platform/{name}/{binary}")).ShouldBe("v2");
            (await VersionOf($"/opt/platform/{name}.previous/{binary}")).ShouldBe("v1");
        }
        Directory.EnumerateFileSystemEntries(_host.PathOf("/opt/platform"), ".*.new").ShouldBeEmpty("no staging folder left behind");
    }

    [Fact]
    public async Task Running_again_with_the_same_payload_keeps_the_rollback_version()
    {
        await _host.InstallAsync("--no-start");
        _host.WritePayload("v2");
        await _host.InstallAsync("--no-start");

        await _host.InstallAsync("--no-start"); // e.g. after fixing a failed migration

        (await VersionOf("/opt/platform/web/Web")).ShouldBe("v2");
        (await VersionOf("/opt/platform/web.previous/Web")).ShouldBe("v1");
    }

    [Fact]
    public async Task Rollback_swaps_in_the_previous_version_and_back()
    {
        await _host.InstallAsync("--no-start");
        _host.WritePayload("v2");
        await _host.InstallAsync("--no-start");

        await _host.InstallAsync("--rollback");
        (await VersionOf("/opt/platform/gamechannels/GameChannels")).ShouldBe("v1");
        (await VersionOf("/opt/platform/gamechannels.previous/GameChannels")).ShouldBe("v2");

        await _host.InstallAsync("--rollback");
        (await VersionOf("/opt/platform/gamechannels/GameChannels")).ShouldBe("v2");
    }

    [Fact]
    public async Task Adds_the_redis_include_once_at_the_end()
    {
        var redisConf = _host.PathOf("/etc/redis/redis.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(redisConf)!);
        File.WriteAllText(redisConf, "bind 127.0.0.1 -::1\nappendonly no\n");

        await _host.InstallAsync("--no-start");
        await _host.InstallAsync("--no-start");

        var lines = File.ReadAllLines(redisConf);
        lines.Count(l => l == "include /etc/redis/platform-redis.conf").ShouldBe(1);
        lines[^1].ShouldBe("include /etc/redis/platform-redis.conf", "last, so that its settings override Debian's");
        lines[0].ShouldBe("bind 127.0.0.1 -::1");
    }

    [Fact]
    public async Task Refuses_an_incomplete_payload_before_changing_anything()
    {
        File.Delete(Path.Combine(_host.Payload, "stats", "Stats"));

        var result = await _host.TryInstallAsync("--no-start");

        result.ExitCode.ShouldNotBe(0);
        result.StandardError.ShouldContain("stats/Stats is missing");
        result.StandardError.ShouldContain("deploy/publish");
        Directory.Exists(_host.PathOf("/opt/platform")).ShouldBeFalse();
    }

    private async Task<string> VersionOf(string binary) =>
        (await Command.RunAsync(_host.PathOf(binary), [])).StandardOutput.Trim();

    public void Dispose() => _host.Dispose();
}
