namespace Deploy.Tests;

/// <summary>
/// A throwaway host: a temp folder that deploy/install.sh --root lays the platform out in, and a fake payload
/// shaped like deploy/publish's output (a tiny executable script per binary that prints its version).
/// </summary>
internal sealed class HostRoot : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deploy-tests.").FullName;

    public HostRoot()
    {
        Directory.CreateDirectory(Root);
        WritePayload("v1");
    }

    /// <summary>What install.sh sees as /.</summary>
    public string Root => Path.Combine(_folder, "root");

    public string Payload => Path.Combine(_folder, "payload");

    /// <summary>A path on the fake host, e.g. <c>PathOf("/etc/platform/web.env")</c>.</summary>
    public string PathOf(string absolute) => Path.Combine(Root, absolute.TrimStart('/'));

    /// <summary>Replaces the payload with a build whose binaries all print <paramref name="version"/>.</summary>
    public void WritePayload(string version)
    {
        if (Directory.Exists(Payload))
        {
            Directory.Delete(Payload, recursive: true);
        }
        foreach (var (name, binary) in Repo.Deployables)
        {
            var folder = Directory.CreateDirectory(Path.Combine(Payload, name)).FullName;
            var file = Path.Combine(folder, binary);
            File.WriteAllText(file, $"#!/bin/sh\necho {version}\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.WriteAllText(Path.Combine(folder, "appsettings.json"), "{}\n");
        }
    }

    /// <summary>Runs deploy/install.sh --root (never touching this machine's system) and expects success.</summary>
    public async Task<CommandResult> InstallAsync(params string[] args)
    {
        var result = await TryInstallAsync(args);
        result.ExitCode.ShouldBe(0, $"install.sh failed:\n{result.Output}");
        return result;
    }

    public Task<CommandResult> TryInstallAsync(params string[] args) =>
        Command.RunAsync(Repo.InstallScript, ["--root", Root, "--payload", Payload, .. args]);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
