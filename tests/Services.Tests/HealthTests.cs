using System.Net;
using System.Text.Json;
using Platform.TestSupport;

namespace Services.Tests;

public sealed class MigratedDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateMigratedAsync();

    public async Task DisposeAsync() => await Database.DisposeAsync();
}

public class HealthTests(MigratedDatabase fixture) : IClassFixture<MigratedDatabase>
{
    private static HttpClient Client(ServiceProcess service) => new() { BaseAddress = service.BaseAddress, Timeout = TaskTimeouts.Default };

    [Theory]
    [MemberData(nameof(Deployables.AllServices), MemberType = typeof(Deployables))]
    public async Task EachServiceIsReadyWithRedisAndTheArchiveAndServesMetrics(string project)
    {
        await using var service = ServiceProcess.StartWithServers(project, fixture.Database);
        await service.WaitUntilReadyAsync();
        using var http = Client(service);

        using var ready = JsonDocument.Parse(await http.GetStringAsync("health/ready"));
        ready.RootElement.GetProperty("status").GetString().ShouldBe("Healthy");
        var checks = ready.RootElement.GetProperty("checks");
        checks.GetProperty("redis").GetProperty("status").GetString().ShouldBe("Healthy");
        checks.GetProperty("archive").GetProperty("description").GetString().ShouldBe($"schema version {Platform.Archive.ArchiveSchema.LatestVersion}");
        (await http.GetAsync("health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var metrics = await http.GetAsync("metrics");
        metrics.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await metrics.Content.ReadAsStringAsync();
        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram");
        new ScrapedMetrics(text).Value("http_server_request_duration_seconds_count{http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"/health/ready\"}")
            .ShouldBeGreaterThan(0);
        text.ShouldContain("kestrel_active_connections");
        text.ShouldContain("dotnet_process_memory_working_set_bytes");
    }

    [Fact]
    public async Task NotReadyWhileRedisIsDownButStillAlive()
    {
        await using var service = ServiceProcess.StartWithServers("Web", fixture.Database, new Dictionary<string, string?>
        {
            ["PLATFORM_REDIS__CONFIGURATION"] = $"127.0.0.1:{FreePort.Next()},connectTimeout=500",
        });
        using var http = Client(service);
        await WaitForAnswerAsync(http, "health/live");

        // Every answer says Redis is down; the archive's check may fail while a loaded machine is slow to open
        // the first PostgreSQL connection, so the test waits for it to pass rather than for a time.
        await Eventually.TrueAsync(async () =>
        {
            var ready = await http.GetAsync("health/ready");
            ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            var checks = body.RootElement.GetProperty("checks");
            checks.GetProperty("redis").GetProperty("status").GetString().ShouldBe("Unhealthy");
            checks.GetProperty("redis").GetProperty("description").GetString().ShouldStartWith("Redis does not answer");
            return checks.GetProperty("archive").GetProperty("status").GetString() == "Healthy";
        }, TimeSpan.FromSeconds(30), "the archive's check passes while Redis stays down");
    }

    [Fact]
    public async Task NotReadyUntilTheSchemaIsAppliedThenReady()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var service = ServiceProcess.StartWithServers("GameChannels", database);
        using var http = Client(service);
        await WaitForAnswerAsync(http, "health/live");

        var before = await http.GetAsync("health/ready");
        before.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await before.Content.ReadAsStringAsync()).ShouldContain($"schema version 0, this build needs {Platform.Archive.ArchiveSchema.LatestVersion}: run DbMigrate");

        await using var migrate = ServiceProcess.Start("DbMigrate", new() { ["PLATFORM_ARCHIVE__CONNECTIONSTRING"] = database.ConnectionString }, listen: false);
        (await migrate.WaitForExitAsync()).ShouldBe(0, migrate.Describe());

        await service.WaitUntilReadyAsync();
    }

    [Fact]
    public async Task AFlagOverridesTheEnvironmentWhichOverridesAppSettings()
    {
        var flagPort = FreePort.Next();
        // ServiceProcess puts its own port in PLATFORM_URLS; the flag must win over it.
        await using var service = ServiceProcess.StartWithServers("Stats", fixture.Database, args: [$"--Urls=http://127.0.0.1:{flagPort}"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{flagPort}/"), Timeout = TaskTimeouts.Default };
        await WaitForAnswerAsync(http, "health/live");
        await Should.ThrowAsync<HttpRequestException>(() => Client(service).GetAsync("health/live"));
    }

    private static async Task WaitForAnswerAsync(HttpClient http, string path)
    {
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await http.GetAsync(path)).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), $"{http.BaseAddress}{path} answers");
    }
}
