using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Platform.TestSupport;

namespace Platform.Jobs.Tests;

/// <summary>
/// The dashboard from this host and from elsewhere. "Elsewhere" is a real second address: the client's socket
/// is bound to 127.0.0.2 (all of 127.0.0.0/8 is loopback on Linux), so the worker sees that as the remote address.
/// </summary>
public class DashboardTests
{
    [Fact]
    public async Task WithNoCredentialSetOnlyThisHostGetsIn()
    {
        var (redis, jobs) = await Workers.OwnDatabaseAsync();
        await using var _ = jobs;
        await using var worker = Workers.StartMigrator(redis);
        await Workers.WaitUntilServingAsync(jobs, worker);

        using var local = Client(worker, IPAddress.Loopback);
        var page = await local.GetAsync("hangfire");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("Platform jobs");
        (await local.GetAsync("hangfire/servers")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var remote = Client(worker, IPAddress.Parse("127.0.0.2"));
        var refused = await remote.GetAsync("hangfire");
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ShouldBeEmpty("there is no credential to ask for");
        remote.DefaultRequestHeaders.Authorization = Basic("", "");
        (await remote.GetAsync("hangfire/jobs/failed")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task FromElsewhereTheCredentialOfTheSettingsIsAsked()
    {
        var (redis, jobs) = await Workers.OwnDatabaseAsync();
        await using var _ = jobs;
        await using var worker = Workers.StartMigrator(redis, new()
        {
            ["PLATFORM_JOBS__DASHBOARDUSER"] = "ops",
            ["PLATFORM_JOBS__DASHBOARDPASSWORD"] = "correct horse battery",
        });
        await Workers.WaitUntilServingAsync(jobs, worker);

        using var remote = Client(worker, IPAddress.Parse("127.0.0.2"));
        var asked = await remote.GetAsync("hangfire");
        asked.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        asked.Headers.WwwAuthenticate.ShouldHaveSingleItem().Scheme.ShouldBe("Basic");

        remote.DefaultRequestHeaders.Authorization = Basic("ops", "correct horse battery!");
        (await remote.GetAsync("hangfire")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "a wrong password");
        remote.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "%%%");
        (await remote.GetAsync("hangfire")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "a header that is not base64");
        remote.DefaultRequestHeaders.Authorization = Basic("ops", "correct horse battery");
        (await remote.GetAsync("hangfire")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await remote.GetAsync("hangfire/jobs/failed")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>An HTTP client whose connections leave from <paramref name="from"/>.</summary>
    private static HttpClient Client(ServiceProcess worker, IPAddress from) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = worker.BaseAddress, Timeout = TaskTimeouts.Default };
}
