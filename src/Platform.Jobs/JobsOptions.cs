using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Platform.Jobs;

/// <summary>Section <c>Jobs</c>: the workers' Hangfire jobs in the host's Redis.</summary>
public sealed class JobsOptions : IValidatableObject
{
    public const string Section = "Jobs";

    /// <summary>Jobs this worker runs at once (Hangfire worker threads). The stats worker runs exactly one.</summary>
    [Range(1, 64, ErrorMessage = "must be between 1 and 64")]
    public int WorkerCount { get; set; } = 4;

    /// <summary>How many times a failed job is tried again before it stays Failed (and can be retried from the dashboard).</summary>
    [Range(0, 100, ErrorMessage = "must be between 0 and 100")]
    public int RetryAttempts { get; set; } = 5;

    /// <summary>
    /// Seconds to wait before each retry, comma-separated; the last one repeats for any later attempt. One
    /// value, so that a single variable (PLATFORM_JOBS__RETRYDELAYSSECONDS=10,60) replaces the whole list.
    /// </summary>
    public string RetryDelaysSeconds { get; set; } = "10,60,300,900,3600";

    /// <summary>
    /// How long a job taken by a worker stays invisible to the others. A worker that dies mid-job (kill -9, a
    /// lost host) gives its job back only after this, plus up to a minute until the storage next checks. It must
    /// be longer than any job takes: a job still running past it is handed to a second worker. Jobs here take
    /// milliseconds to seconds (one game's log, one email, one game's statistics), so two minutes leaves a wide
    /// margin and still gets a crashed worker's game archived, or its email sent, within about three minutes.
    /// </summary>
    [Range(1, 86_400, ErrorMessage = "must be between 1 and 86400 seconds")]
    public int InvisibilityTimeoutSeconds { get; set; } = 120;

    /// <summary>How often a worker looks for delayed jobs (retries) that are due; a retry runs up to this late.</summary>
    [Range(1, 300, ErrorMessage = "must be between 1 and 300 seconds")]
    public int SchedulePollingSeconds { get; set; } = 5;

    /// <summary>
    /// The user name the dashboard accepts, with <see cref="DashboardPassword"/>, from anywhere but this host.
    /// Empty: only requests from 127.0.0.1 and ::1 are answered.
    /// </summary>
    public string DashboardUser { get; set; } = "";

    /// <summary>The dashboard's password (a secret: set it in the environment, never in appsettings.json).</summary>
    public string DashboardPassword { get; set; } = "";

    /// <summary>The delays as numbers; call only on validated options.</summary>
    public int[] RetryDelays() =>
        [.. RetryDelaysSeconds.Split(',', StringSplitOptions.TrimEntries).Select(d => int.Parse(d, NumberStyles.None, CultureInfo.InvariantCulture))];

    public TimeSpan InvisibilityTimeout => TimeSpan.FromSeconds(InvisibilityTimeoutSeconds);

    public bool HasDashboardCredential => DashboardUser.Length > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var delays = (RetryDelaysSeconds ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (delays.Any(d => !int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s > 86_400))
        {
            yield return new ValidationResult(
                $"'{RetryDelaysSeconds}' is not a comma-separated list of seconds (each 0 to 86400), e.g. 10,60,300", [nameof(RetryDelaysSeconds)]);
        }
        if (DashboardUser.Length > 0 && DashboardPassword.Length < 12)
        {
            yield return new ValidationResult("must be at least 12 characters when Jobs:DashboardUser is set", [nameof(DashboardPassword)]);
        }
        if (DashboardUser.Length == 0 && DashboardPassword.Length > 0)
        {
            yield return new ValidationResult("is required when Jobs:DashboardPassword is set", [nameof(DashboardUser)]);
        }
        if (DashboardUser.Contains(':', StringComparison.Ordinal))
        {
            yield return new ValidationResult("must not contain ':' (HTTP Basic separates user and password with it)", [nameof(DashboardUser)]);
        }
    }
}
