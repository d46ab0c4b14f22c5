using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Hosting;

/// <summary>Section <c>Service</c>: how the process behaves as a whole.</summary>
public sealed class ServiceOptions
{
    public const string Section = "Service";

    /// <summary>
    /// How long a stopping service may take to finish or hand back the work in flight. Keep it below the unit's
    /// TimeoutStopSec (30 s) so systemd never has to kill the process.
    /// </summary>
    [Range(1, 300, ErrorMessage = "must be between 1 and 300 seconds")]
    public int ShutdownTimeoutSeconds { get; set; } = 20;
}
