using Microsoft.Playwright;
using Platform.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Web.Tests;

/// <summary>Web and GameChannels as processes, wired to each other, and one headless Chromium, for the play tests.</summary>
public sealed class PlayServers : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public ServiceProcess Channels { get; private set; } = null!;

    public ServiceProcess Web { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateMigratedAsync();
        // The browser's page comes from Web, and the channel server must allow that origin before it starts.
        var webPort = FreePort.Next();
        // A Redis database of their own: a channel server clears every game's presence as it starts, and other
        // tests start channel servers at any time, which would show our players as offline.
        var redis = $"{TestServers.Redis},defaultDatabase={Random.Shared.Next(1, 16)}";
        _channelsSettings = new()
        {
            ["PLATFORM_REDIS__CONFIGURATION"] = redis,
            ["PLATFORM_CHANNELS__ALLOWEDORIGINS__0"] = $"http://127.0.0.1:{webPort}",
        };
        Channels = ServiceProcess.StartWithServers("GameChannels", Database, _channelsSettings);
        await Channels.WaitUntilReadyAsync();
        Web = ServiceProcess.StartWithServers("Web", Database, new()
        {
            ["PLATFORM_REDIS__CONFIGURATION"] = redis,
            ["PLATFORM_CHANNELS__PUBLICURL"] = Channels.BaseAddress!.ToString().TrimEnd('/'),
        }, port: webPort);
        await Web.WaitUntilReadyAsync();

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync().DefaultTimeout();
        Browser = await Platform.TestSupport.Browser.LaunchAsync(Playwright);
        SetDefaultExpectTimeout(15_000);
    }

    private Dictionary<string, string?> _channelsSettings = null!;

    /// <summary>Stops the channel server as systemd does (SIGTERM) and runs <paramref name="whileDown"/> before starting it again on the same port.</summary>
    public async Task RestartChannelsAsync(Func<Task> whileDown)
    {
        Channels.Terminate();
        (await Channels.WaitForExitAsync()).ShouldBe(0, Channels.Describe());
        await Channels.DisposeAsync();
        await whileDown();
        Channels = ServiceProcess.StartWithServers("GameChannels", Database, _channelsSettings, port: Channels.BaseAddress!.Port);
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
