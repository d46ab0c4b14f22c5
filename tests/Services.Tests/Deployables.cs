namespace Services.Tests;

public static class Deployables
{
    /// <summary>The long-running services: each listens and answers /health/ready.</summary>
    public static readonly string[] Services = ["Web", "GameChannels", "MessageMigrator", "Confirmations", "Stats"];

    /// <summary>The command-line tools.</summary>
    public static readonly string[] Tools = ["Accounting", "DbMigrate"];

    public static TheoryData<string> AllServices => [.. Services];

    public static TheoryData<string> Everything => [.. Services, .. Tools];

    public static bool IsService(string project) => Services.Contains(project);

    /// <summary>What a tool needs on its command line to do something (Accounting wants a command).</summary>
    public static string[] ArgsFor(string project) => project == "Accounting" ? ["check"] : [];
}
