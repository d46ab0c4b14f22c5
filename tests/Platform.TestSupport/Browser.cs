using Microsoft.Playwright;

namespace Platform.TestSupport;

public static class Browser
{
    /// <summary>Debian's Chromium, headless, with nothing that would reach for the network on its own.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = TestServers.Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        }).DefaultTimeout();
}
