using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Hosting;

/// <summary>
/// WATCHDOG=1 at half the unit's WatchdogSec. Microsoft.Extensions.Hosting.Systemd sends READY=1 and
/// STOPPING=1 but has no watchdog of its own, so this is the one part of sd_notify we keep. It speaks through
/// the package's <see cref="ISystemdNotifier"/>, which exists only when the package found systemd as the
/// parent process; outside systemd this does nothing.
/// </summary>
internal sealed partial class SystemdWatchdog(
    TimeProvider time, ILogger<SystemdWatchdog> logger, ISystemdNotifier? notifier = null) : BackgroundService
{
    private static readonly ServiceState Alive = new("WATCHDOG=1");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (notifier is not { IsEnabled: true } || WatchdogInterval() is not { } interval)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                notifier.Notify(Alive);
            }
            catch (SocketException e)
            {
                // systemd going away must not take the service with it; the unit's own timeouts will tell.
                LogNotifyFailed(e.Message);
            }
        }
    }

    /// <summary>Half the WatchdogSec systemd asked for, so one late ping never trips the watchdog.</summary>
    private static TimeSpan? WatchdogInterval()
    {
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }
        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec / 2.0)
            : null;
    }

    // 1001 was "Told systemd", logged by the hand-written notifier this replaced.
    [LoggerMessage(1002, LogLevel.Warning, "Could not notify systemd: {Reason}")]
    private partial void LogNotifyFailed(string reason);
}
