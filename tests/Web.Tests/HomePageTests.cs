using Microsoft.Playwright;
using Platform.TestSupport;

namespace Web.Tests;

public class HomePageTests
{
    [Fact]
    public async Task TheHomePageRendersInChromiumWithItsStylesheet()
    {
        await using var database = await TestDatabase.CreateMigratedAsync();
        await using var web = ServiceProcess.StartWithServers("Web", database);
        await web.WaitUntilReadyAsync();

        using var playwright = await Playwright.CreateAsync().DefaultTimeout();
        await using var browser = await Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync().DefaultTimeout();

        var response = await page.GotoAsync(web.BaseAddress!.ToString()).DefaultTimeout();
        response!.Status.ShouldBe(200);
        (await page.TitleAsync().DefaultTimeout()).ShouldStartWith("Platform");
        (await page.Locator("h1").InnerTextAsync().DefaultTimeout()).ShouldBe("Platform");
        // The launcher offers the titles the API lists.
        await Assertions.Expect(page.Locator("#title option")).ToHaveTextAsync(["Chat room (2–8 players)", "Tic-tac-toe (2 players)"]);
        // 42rem: the stylesheet arrived and applied.
        (await page.EvaluateAsync<string>("getComputedStyle(document.body).maxWidth").DefaultTimeout()).ShouldBe("672px");

        using var http = new HttpClient { BaseAddress = web.BaseAddress };
        var css = await http.GetAsync("css/site.css").DefaultTimeout();
        css.Headers.ETag.ShouldNotBeNull("a CDN revalidates assets by their ETag");
        var home = await http.GetAsync("/").DefaultTimeout();
        home.Headers.CacheControl!.NoCache.ShouldBeTrue();
    }

    [Fact]
    public async Task AnUnknownPageIsAPageThatSaysSoNotAStackTrace()
    {
        await using var database = await TestDatabase.CreateMigratedAsync();
        await using var web = ServiceProcess.StartWithServers("Web", database);
        await web.WaitUntilReadyAsync();
        using var http = new HttpClient { BaseAddress = web.BaseAddress };

        var response = await http.GetAsync("no/such/page").DefaultTimeout();

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var page = await response.Content.ReadAsStringAsync().DefaultTimeout();
        page.ShouldContain("This page does not exist");
        page.ShouldNotContain("Exception");
        (await http.GetAsync("hangfire").DefaultTimeout()).StatusCode
            .ShouldBe(System.Net.HttpStatusCode.NotFound, "players never reach the jobs dashboard: only a worker serves it");
    }
}
