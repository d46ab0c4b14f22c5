using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Platform.TestSupport;

namespace Services.Tests;

/// <summary>
/// What systemd sees of a service: sd_notify datagrams, journald log lines, a clean stop on SIGTERM. The service is
/// started under a parent process named systemd, since that is how Microsoft.Extensions.Hosting.Systemd decides
/// to speak at all.
/// </summary>
public class SystemdTests(MigratedDatabase fixture) : IClassFixture<MigratedDatabase>
{
    [Theory]
    [MemberData(nameof(Deployables.AllServices), MemberType = typeof(Deployables))]
    public async Task TellsSystemdReadyAndWatchdogThenStopsCleanlyOnSigterm(string project)
    {
        using var notify = new NotifySocket();
        await using var service = ServiceProcess.StartWithServers(project, fixture.Database, new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = notify.Path,
            ["WATCHDOG_USEC"] = "200000",
            ["JOURNAL_STREAM"] = "8:12345",
        }, underSystemd: true);

        await notify.ReceiveUntilAsync("READY=1");
        await notify.ReceiveUntilAsync("WATCHDOG=1");
        await service.WaitUntilReadyAsync();

        service.Terminate();
        await notify.ReceiveUntilAsync("STOPPING=1");
        (await service.WaitForExitAsync()).ShouldBe(0, service.Describe());

        // journald's format: a syslog priority prefix on every line, no JSON.
        service.StandardOutput.ShouldContain(line => line.StartsWith("<6>Microsoft.Hosting.Lifetime", StringComparison.Ordinal), service.Describe());
        service.StandardError.ShouldBeEmpty(service.Describe());
    }

    [Fact]
    public async Task OutsideSystemdLogsAreOneJsonObjectPerLineAndNothingIsNotified()
    {
        // A NOTIFY_SOCKET alone does not make a systemd service: a unit whose ExecStart runs a wrapper that does
        // not exec the binary gets no READY=1 (README, systemd units).
        using var notify = new NotifySocket();
        await using var service = ServiceProcess.StartWithServers("Web", fixture.Database, new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = notify.Path,
            ["WATCHDOG_USEC"] = "200000",
        });
        await service.WaitUntilReadyAsync();
        service.Terminate();
        (await service.WaitForExitAsync()).ShouldBe(0);
        notify.Socket.Available.ShouldBe(0, "a process that systemd did not start tells it nothing");

        service.StandardOutput.ShouldNotBeEmpty();
        foreach (var line in service.StandardOutput)
        {
            using var entry = JsonDocument.Parse(line);
            entry.RootElement.GetProperty("Category").GetString().ShouldNotBeNullOrEmpty();
            entry.RootElement.GetProperty("Timestamp").GetString().ShouldNotBeNullOrEmpty();
        }
    }

    /// <summary>A real Unix datagram socket standing where systemd's notify socket would be.</summary>
    private sealed class NotifySocket : IDisposable
    {
        private readonly List<string> _received = [];

        public NotifySocket() => Socket.Bind(new UnixDomainSocketEndPoint(Path));

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"notify-{Guid.NewGuid():N}.sock");

        public Socket Socket { get; } = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

        public async Task ReceiveUntilAsync(string state)
        {
            var buffer = new byte[1024];
            using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
            while (!_received.Any(m => m.Split('\n').Contains(state)))
            {
                var length = await Socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                _received.Add(Encoding.UTF8.GetString(buffer, 0, length));
            }
        }

        public void Dispose()
        {
            Socket.Dispose();
            File.Delete(Path);
        }
    }
}
