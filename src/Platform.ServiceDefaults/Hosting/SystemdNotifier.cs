using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Hosting;

/// <summary>
/// The sd_notify protocol for <c>Type=notify</c> units: READY=1 once the host has started, STOPPING=1 when it
/// begins to stop, and WATCHDOG=1 at half the unit's WatchdogSec. Outside systemd (no NOTIFY_SOCKET) it does
/// nothing. The systemd hosting package is not available to us, and the protocol is one datagram.
/// </summary>
internal sealed partial class SystemdNotifier(
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<SystemdNotifier> logger) : BackgroundService
{
    private readonly EndPoint? _socket = NotifySocket(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_socket is null)
        {
            return;
        }

        lifetime.ApplicationStarted.Register(() => Notify("READY=1\nSTATUS=ready"));
        lifetime.ApplicationStopping.Register(() => Notify("STOPPING=1\nSTATUS=stopping"));

        var interval = WatchdogInterval();
        if (interval is null)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval.Value, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            Notify("WATCHDOG=1");
        }
    }

    private void Notify(string state)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(state), _socket!);
            LogNotified(state.Replace('\n', ' '));
        }
        catch (SocketException e)
        {
            // systemd going away must not take the service with it; the unit's own timeouts will tell.
            LogNotifyFailed(e.Message);
        }
    }

    internal static EndPoint? NotifySocket(string? path) => string.IsNullOrEmpty(path)
        ? null
        // A leading '@' names a socket in the abstract namespace, which the kernel spells with a NUL.
        : new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);

    /// <summary>Half the WatchdogSec systemd asked for, so one late ping never trips the watchdog.</summary>
    internal static TimeSpan? WatchdogInterval()
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

    [LoggerMessage(1001, LogLevel.Debug, "Told systemd: {State}")]
    private partial void LogNotified(string state);

    [LoggerMessage(1002, LogLevel.Warning, "Could not notify systemd: {Reason}")]
    private partial void LogNotifyFailed(string reason);
}
