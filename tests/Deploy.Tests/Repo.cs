namespace Deploy.Tests;

/// <summary>The repository this test assembly was built from, and what deploy/ installs from it.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string InstallScript => Path.Combine(Root, "deploy", "install.sh");

    public static string SystemdFolder => Path.Combine(Root, "systemd");

    /// <summary>Short name (folder in /opt/platform, unit and env file name) to binary (project under src/).</summary>
    public static IReadOnlyDictionary<string, string> Deployables { get; } = new Dictionary<string, string>
    {
        ["web"] = "Web",
        ["gamechannels"] = "GameChannels",
        ["messagemigrator"] = "MessageMigrator",
        ["confirmations"] = "Confirmations",
        ["stats"] = "Stats",
        ["accounting"] = "Accounting",
        ["dbmigrate"] = "DbMigrate",
    };

    /// <summary>The long-running services, each with a platform-&lt;name&gt;.service of Type=notify.</summary>
    public static IReadOnlyList<string> Services { get; } = ["web", "gamechannels", "messagemigrator", "confirmations", "stats"];

    public static IReadOnlyList<string> Units { get; } =
        ["platform.target", "platform-dbmigrate.service", .. Services.Select(s => $"platform-{s}.service")];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
