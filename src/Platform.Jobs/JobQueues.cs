namespace Platform.Jobs;

/// <summary>One Hangfire queue per kind of work, each served by its own worker.</summary>
public static class JobQueues
{
    /// <summary>MessageMigrator: moving ended and idle games' logs from Redis to the archive.</summary>
    public const string Migrate = "migrate";

    /// <summary>Confirmations: purchase emails through SES.</summary>
    public const string Confirmations = "confirmations";

    /// <summary>Stats: per-game and affiliate statistics, one job at a time.</summary>
    public const string Stats = "stats";

    /// <summary>Queues whose jobs must never run side by side: their worker runs one job at a time.</summary>
    public static readonly IReadOnlySet<string> OneAtATime = new HashSet<string>([Stats]);
}
