using Microsoft.Playwright;

namespace Web.Tests;

internal static class Screenshots
{
    /// <summary>With PLATFORM_TEST_SCREENSHOTS set to a folder, keeps a picture of the page there to look at.</summary>
    public static async Task TakeAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("PLATFORM_TEST_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }
}
