using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Platform.TestSupport;

namespace Services.Tests;

/// <summary>What systemd sees of a service: sd_notify datagrams, journald log lines, a clean stop on SIGTERM.</summary>
public class SystemdTests(MigratedDatabase fixture) : IClassFixture<MigratedDatabase>
{
    [Theory]
    [MemberData(nameof(Deployables.AllServices), MemberType = typeof(Deployables))]
    public async Task TellsSystemdReadyAndWatchdogThenStopsCleanlyOnSigterm(string project)
    {
        var path = Path.Combine(Path.GetTempPath(), $"notify-{Guid.NewGuid():N}.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            await using var service = ServiceProcess.StartWithServers(project, fixture.Database, new Dictionary<string, string?>
            {
                ["NOTIFY_SOCKET"] = path,
                ["WATCHDOG_USEC"] = "200000",
                ["JOURNAL_STREAM"] = "8:12345",
            });

            var received = new List<string>();
            await ReceiveUntilAsync(socket, received, "READY=1");
            await ReceiveUntilAsync(socket, received, "WATCHDOG=1");
            await service.WaitUntilReadyAsync();

            service.Terminate();
            await ReceiveUntilAsync(socket, received, "STOPPING=1");
            (await service.WaitForExitAsync()).ShouldBe(0, service.Describe());

            // journald's format: a syslog priority prefix on every line, no JSON.
            service.StandardOutput.ShouldContain(line => line.StartsWith("<6>Microsoft.Hosting.Lifetime", StringComparison.Ordinal), service.Describe());
            service.StandardError.ShouldBeEmpty(service.Describe());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task OutsideSystemdLogsAreOneJsonObjectPerLine()
    {
        await using var service = ServiceProcess.StartWithServers("Web", fixture.Database);
        await service.WaitUntilReadyAsync();
        service.Terminate();
        (await service.WaitForExitAsync()).ShouldBe(0);

        service.StandardOutput.ShouldNotBeEmpty();
        foreach (var line in service.StandardOutput)
        {
            using var entry = JsonDocument.Parse(line);
            entry.RootElement.GetProperty("Category").GetString().ShouldNotBeNullOrEmpty();
            entry.RootElement.GetProperty("Timestamp").GetString().ShouldNotBeNullOrEmpty();
        }
    }

    private static async Task ReceiveUntilAsync(Socket socket, List<string> received, string state)
    {
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        while (!received.Any(m => m.Split('\n').Contains(state)))
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            received.Add(Encoding.UTF8.GetString(buffer, 0, length));
        }
    }
}
