using Microsoft.Playwright;
using Platform.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Web.Tests;

/// <summary>Web and GameChannels as processes, wired to each other, and one headless Chromium, for the play tests.</summary>
public class PlayServers : IAsyncLifetime
{
    private readonly Dictionary<string, string?> _channelsSettings;

    public PlayServers()
        : this([])
    {
    }

    /// <summary>With settings of its own for the channel server.</summary>
    protected PlayServers(Dictionary<string, string?> channelSettings) => _channelsSettings = new(channelSettings);

    public TestDatabase Database { get; private set; } = null!;

    public ServiceProcess Channels { get; private set; } = null!;

    public ServiceProcess Web { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The Redis configuration both services use, with the database of their own.</summary>
    public string Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateMigratedAsync();
        // The browser's page comes from Web, and the channel server must allow that origin before it starts.
        var webPort = FreePort.Next();
        // A Redis database of their own: other tests start channel servers at any time, and one starting in
        // ours would clear its presence and show our players as offline.
        Redis = await TestServers.OwnRedisAsync();
        _channelsSettings["PLATFORM_REDIS__CONFIGURATION"] = Redis;
        _channelsSettings["PLATFORM_CHANNELS__ALLOWEDORIGINS__0"] = $"http://127.0.0.1:{webPort}";
        Channels = ServiceProcess.StartWithServers("GameChannels", Database, _channelsSettings);
        await Channels.WaitUntilReadyAsync();
        Web = ServiceProcess.StartWithServers("Web", Database, new()
        {
            ["PLATFORM_REDIS__CONFIGURATION"] = Redis,
            ["PLATFORM_CHANNELS__PUBLICURL"] = Channels.BaseAddress!.ToString().TrimEnd('/'),
        }, port: webPort);
        await Web.WaitUntilReadyAsync();

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync().DefaultTimeout();
        Browser = await Platform.TestSupport.Browser.LaunchAsync(Playwright);
        SetDefaultExpectTimeout(15_000);
    }

    /// <summary>
    /// Stops the channel server as systemd does (SIGTERM) and runs <paramref name="whileDown"/> before starting it
    /// again on the same port, with <paramref name="changed"/> settings if given.
    /// </summary>
    public async Task RestartChannelsAsync(Func<Task> whileDown, Dictionary<string, string?>? changed = null)
    {
        Channels.Terminate();
        (await Channels.WaitForExitAsync()).ShouldBe(0, Channels.Describe());
        await Channels.DisposeAsync();
        await whileDown();
        var settings = new Dictionary<string, string?>(_channelsSettings);
        foreach (var (name, value) in changed ?? [])
        {
            settings[name] = value;
        }
        Channels = ServiceProcess.StartWithServers("GameChannels", Database, settings, port: Channels.BaseAddress!.Port);
        await Channels.WaitUntilReadyAsync();
    }

    /// <summary>A page in a browser context of its own: a player with their own localStorage.</summary>
    public async Task<IPage> NewPlayerAsync()
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 800 } }).DefaultTimeout();
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync().DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync().DefaultTimeout();
        Playwright.Dispose();
        await Web.DisposeAsync();
        await Channels.DisposeAsync();
        await Database.DisposeAsync();
    }
}
