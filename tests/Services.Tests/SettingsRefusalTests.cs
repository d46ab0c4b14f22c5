using Platform.TestSupport;

namespace Services.Tests;

/// <summary>Every deployable refuses a bad setting with one line that names it, and never a stack trace.</summary>
public class SettingsRefusalTests
{
    private static async Task<ServiceProcess> RunAsync(string project, Dictionary<string, string?> environment, params string[] flags)
    {
        // Every other setting is good, so that the one under test is the only line.
        var settings = TestServers.Environment(null);
        foreach (var (name, value) in environment)
        {
            settings[name] = value;
        }
        var process = ServiceProcess.Start(project, settings, [.. Deployables.ArgsFor(project), .. flags], listen: Deployables.IsService(project));
        var exitCode = await process.WaitForExitAsync();
        exitCode.ShouldBe(2, process.Describe());
        process.StandardOutput.Concat(process.StandardError).ShouldNotContain(line => line.TrimStart().StartsWith("at "), process.Describe());
        return process;
    }

    [Theory]
    [MemberData(nameof(Deployables.Everything), MemberType = typeof(Deployables))]
    public async Task AMalformedArchiveConnectionStringIsRefused(string project)
    {
        await using var process = await RunAsync(project, new()
        {
            ["PLATFORM_REDIS__CONFIGURATION"] = TestServers.Redis,
            ["PLATFORM_ARCHIVE__CONNECTIONSTRING"] = "Host=127.0.0.1;Colour=blue",
        });
        process.StandardError.ShouldHaveSingleItem().ShouldStartWith(
            "Invalid setting Archive:ConnectionString (env PLATFORM_ARCHIVE__CONNECTIONSTRING, flag --Archive:ConnectionString): is not an Npgsql connection string");
    }

    [Theory]
    [MemberData(nameof(Deployables.AllServices), MemberType = typeof(Deployables))]
    public async Task AMissingRedisServerIsRefused(string project)
    {
        await using var process = await RunAsync(project, [], "--Redis:Configuration=");
        process.StandardError.ShouldHaveSingleItem().ShouldStartWith(
            "Invalid setting Redis:Configuration (env PLATFORM_REDIS__CONFIGURATION, flag --Redis:Configuration): is required");
    }

    [Theory]
    [MemberData(nameof(Deployables.Everything), MemberType = typeof(Deployables))]
    public async Task AShutdownTimeoutThatIsNotANumberIsRefused(string project)
    {
        await using var process = await RunAsync(project, new() { ["PLATFORM_SERVICE__SHUTDOWNTIMEOUTSECONDS"] = "soon" });
        process.StandardError.ShouldHaveSingleItem().ShouldBe(
            "Invalid setting Service:ShutdownTimeoutSeconds (env PLATFORM_SERVICE__SHUTDOWNTIMEOUTSECONDS, flag --Service:ShutdownTimeoutSeconds): 'soon' is not a whole number");
    }

    [Theory]
    [MemberData(nameof(Deployables.Everything), MemberType = typeof(Deployables))]
    public async Task AnUnknownLogLevelIsRefusedRatherThanCrashing(string project)
    {
        // The logging framework itself throws on this while the host is built; the service must still
        // answer with its one line.
        await using var process = await RunAsync(project, new() { ["PLATFORM_LOGGING__LOGLEVEL__MICROSOFT"] = "Loud" });
        process.StandardError.ShouldHaveSingleItem().ShouldStartWith(
            "Invalid setting Logging:LogLevel:Microsoft (env PLATFORM_LOGGING__LOGLEVEL__MICROSOFT, flag --Logging:LogLevel:Microsoft): 'Loud' is not a log level");
    }

    [Theory]
    [InlineData("GameChannels", "PLATFORM_KESTREL__LIMITS__KEEPALIVETIMEOUT", "soon", "Invalid setting Kestrel:Limits:KeepAliveTimeout (env PLATFORM_KESTREL__LIMITS__KEEPALIVETIMEOUT, flag --Kestrel:Limits:KeepAliveTimeout): 'soon' is not a duration such as 00:00:30")]
    [InlineData("GameChannels", "PLATFORM_CHANNELS__SENDQUEUELENGTH", "2", "Invalid setting Channels:SendQueueLength (env PLATFORM_CHANNELS__SENDQUEUELENGTH, flag --Channels:SendQueueLength): must be between 8 and 100000")]
    [InlineData("GameChannels", "PLATFORM_TOKENS__KEYS__k1", "c2hvcnQ=", "Invalid setting Tokens:Keys:k1 (env PLATFORM_TOKENS__KEYS__K1, flag --Tokens:Keys:k1): must be base64 of exactly 32 bytes")]
    [InlineData("Web", "PLATFORM_TOKENS__CURRENTKEYID", "nope", "Invalid setting Tokens:CurrentKeyId (env PLATFORM_TOKENS__CURRENTKEYID, flag --Tokens:CurrentKeyId): names no key in Tokens:Keys")]
    [InlineData("Web", "PLATFORM_CHANNELS__PUBLICURL", "play.example.com", "Invalid setting Channels:PublicUrl (env PLATFORM_CHANNELS__PUBLICURL, flag --Channels:PublicUrl): must be an absolute http or https URL")]
    [InlineData("Stats", "PLATFORM_JOBS__WORKERCOUNT", "2", "Invalid setting Jobs:WorkerCount (env PLATFORM_JOBS__WORKERCOUNT, flag --Jobs:WorkerCount): must be 1 in the worker of the stats queue, which runs one job at a time")]
    [InlineData("MessageMigrator", "PLATFORM_JOBS__RETRYDELAYSSECONDS", "10,soon", "Invalid setting Jobs:RetryDelaysSeconds (env PLATFORM_JOBS__RETRYDELAYSSECONDS, flag --Jobs:RetryDelaysSeconds): '10,soon' is not a comma-separated list of seconds")]
    [InlineData("MessageMigrator", "PLATFORM_JOBS__DASHBOARDUSER", "ops", "Invalid setting Jobs:DashboardPassword (env PLATFORM_JOBS__DASHBOARDPASSWORD, flag --Jobs:DashboardPassword): must be at least 12 characters when Jobs:DashboardUser is set")]
    public async Task AServiceRefusesABadSettingOfItsOwn(string project, string variable, string value, string expected)
    {
        await using var process = await RunAsync(project, new() { [variable] = value });
        process.StandardError.ShouldHaveSingleItem().ShouldStartWith(expected);
    }

    [Fact]
    public async Task SeveralBadSettingsAreEachNamedOnTheirOwnLine()
    {
        await using var process = await RunAsync("Web", new() { ["PLATFORM_SERVICE__SHUTDOWNTIMEOUTSECONDS"] = "0" },
            "--Redis:Configuration=", "--Archive:ConnectionString=");
        process.StandardError.Count.ShouldBe(3, process.Describe());
        process.StandardError.ShouldContain(l => l.StartsWith("Invalid setting Service:ShutdownTimeoutSeconds", StringComparison.Ordinal) && l.EndsWith("must be between 1 and 300 seconds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APortAlreadyTakenIsReportedAsABadUrlsSetting()
    {
        await using var database = await TestDatabase.CreateMigratedAsync();
        await using var first = ServiceProcess.StartWithServers("Stats", database);
        await first.WaitUntilReadyAsync();

        await using var second = ServiceProcess.StartWithServers("Stats", database, new()
        {
            ["PLATFORM_URLS"] = first.BaseAddress!.ToString().TrimEnd('/'),
        });
        (await second.WaitForExitAsync()).ShouldBe(2, second.Describe());
        second.StandardError.ShouldContain(l => l.StartsWith("Invalid setting Urls (env PLATFORM_URLS", StringComparison.Ordinal), second.Describe());
    }
}
