using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Web.Tests;

/// <summary>The play servers with tic-tac-toe seats left for good after one second without a connection.</summary>
public sealed class ShortGracePlayServers() : PlayServers(new() { ["PLATFORM_CHANNELS__SEATGRACESECONDS"] = "1" });

/// <summary>What the tic-tac-toe page says while it waits for a guest, and when its guest leaves for good.</summary>
public class SeatGracePlayTests(ShortGracePlayServers servers) : IClassFixture<ShortGracePlayServers>
{
    [Fact]
    public async Task TheHostWaitsForAGuestAndAGuestWhoLeavesIsReplacedOnAClearBoard()
    {
        var alice = await servers.NewPlayerAsync();
        await alice.GotoAsync(servers.Web.BaseAddress!.ToString());
        await alice.SelectOptionAsync("#title", "tictactoe");
        await alice.FillAsync("#name", "Alice");
        await alice.ClickAsync("#create");
        await Expect(alice.Locator("#connection")).ToHaveTextAsync("Connected");
        var shareUrl = await alice.InputValueAsync("#share-link");
        await Expect(alice.Locator("#turn")).ToHaveTextAsync("Waiting for a second player.");
        await alice.ClickAsync("#cell-4");
        await Expect(alice.Locator("#error")).ToHaveTextAsync("Wait for a second player to join.");
        await Screenshots.TakeAsync(alice, "tictactoe-waiting");

        var bob = await JoinAsync(shareUrl, "Bob");
        await Expect(alice.Locator("#turn")).ToHaveTextAsync("Your turn (X)");
        await alice.ClickAsync("#cell-4");
        await Expect(bob.Locator("#cell-4")).ToHaveTextAsync("X");
        await bob.Context.CloseAsync();

        var log = alice.Locator("#log .entry.system .text");
        await Expect(log.Filter(new() { HasText = "Bob was away too long and left the game." })).ToHaveCountAsync(1);
        await Expect(log.Filter(new() { HasText = "The board was cleared." })).ToHaveCountAsync(1);
        await Expect(alice.Locator("#cell-4")).ToHaveTextAsync("");
        await Expect(alice.Locator("#turn")).ToHaveTextAsync("Waiting for a second player.");
        await Expect(alice.Locator("#seats li")).ToHaveCountAsync(1);

        // A reload tells the same story from the log.
        await alice.ReloadAsync();
        await Expect(alice.Locator("#connection")).ToHaveTextAsync("Connected");
        await Expect(log.Filter(new() { HasText = "Bob was away too long and left the game." })).ToHaveCountAsync(1);
        await Expect(alice.Locator("#cell-4")).ToHaveTextAsync("");
        await Screenshots.TakeAsync(alice, "tictactoe-guest-left");

        var carol = await JoinAsync(shareUrl, "Carol");
        await Expect(carol.Locator("#seats li[data-seat='2']")).ToContainTextAsync("Carol");
        await Expect(alice.Locator("#turn")).ToHaveTextAsync("Your turn (X)");
        await Expect(carol.Locator("#turn")).ToHaveTextAsync("Alice's turn (X)");
    }

    private async Task<IPage> JoinAsync(string shareUrl, string name)
    {
        var page = await servers.NewPlayerAsync();
        await page.GotoAsync(shareUrl);
        await page.FillAsync("#join-name", name);
        await page.ClickAsync("#join-button");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Connected");
        return page;
    }
}
