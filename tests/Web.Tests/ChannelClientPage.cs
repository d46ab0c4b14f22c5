using System.Text.Json;
using Microsoft.Playwright;
using Platform.TestSupport;

namespace Web.Tests;

/// <summary>Web serving channel.js, and one headless Chromium to run it in.</summary>
public sealed class ChannelClientPage : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private ServiceProcess _web = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync();
        _web = ServiceProcess.StartWithServers("Web", _database);
        await _web.WaitUntilReadyAsync();
        _playwright = await Playwright.CreateAsync().DefaultTimeout();
        _browser = await Browser.LaunchAsync(_playwright);
    }

    /// <summary>Runs <paramref name="script"/> (an async function) in a fresh page of the site where the fake SignalR plays the server.</summary>
    public async Task<JsonElement> RunAsync(string script)
    {
        await using var context = await _browser.NewContextAsync().DefaultTimeout();
        context.SetDefaultTimeout(15_000);
        await context.AddInitScriptAsync(scriptPath: Path.Combine(AppContext.BaseDirectory, "Scripts", "fake-signalr.js")).DefaultTimeout();
        var page = await context.NewPageAsync().DefaultTimeout();
        await page.GotoAsync(_web.BaseAddress!.ToString()).DefaultTimeout();
        return await page.EvaluateAsync<JsonElement>(script).DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync().DefaultTimeout();
        _playwright.Dispose();
        await _web.DisposeAsync();
        await _database.DisposeAsync();
    }
}
