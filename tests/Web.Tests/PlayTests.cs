using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Web.Tests;

public class PlayTests(PlayServers servers) : IClassFixture<PlayServers>
{
    [Fact]
    public async Task TwoPlayersChatInOneOrderAndAReloadedPageCatchesUp()
    {
        var alice = await servers.NewPlayerAsync();
        var bob = await servers.NewPlayerAsync();
        var shareUrl = await CreateGameAsync(alice, "chat", "Alice");
        await JoinAsync(bob, shareUrl, "Bob");

        await SayAsync(alice, "hello");
        await Expect(ChatTexts(bob)).ToHaveTextAsync(["hello"]);
        await SayAsync(bob, "hi Alice");
        await Expect(ChatTexts(alice)).ToHaveTextAsync(["hello", "hi Alice"]);
        await Expect(ChatTexts(bob)).ToHaveTextAsync(["hello", "hi Alice"]);
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Locator("#seats li")).ToHaveCountAsync(2);
            await Expect(Seat(page, 1)).ToHaveAttributeAsync("data-connected", "true");
            await Expect(Seat(page, 2)).ToHaveAttributeAsync("data-connected", "true");
        }

        await bob.ReloadAsync();
        await Expect(bob.Locator("#connection")).ToHaveTextAsync("Connected");
        await Expect(bob.Locator("#join")).ToBeHiddenAsync();
        await Expect(ChatTexts(bob)).ToHaveTextAsync(["hello", "hi Alice"]);
        await SayAsync(bob, "back again");
        await Expect(ChatTexts(alice)).ToHaveTextAsync(["hello", "hi Alice", "back again"]);
        await Expect(ChatTexts(bob)).ToHaveTextAsync(["hello", "hi Alice", "back again"]);
        await Expect(alice.Locator("#seats li")).ToHaveCountAsync(2); // the reload kept Bob's seat
        await Expect(Seat(alice, 2)).ToHaveAttributeAsync("data-connected", "true");
        await Screenshots.TakeAsync(bob, "play-chat");

        await Expect(bob.Locator("#end-game")).ToBeHiddenAsync();
        await alice.ClickAsync("#end-game");
        await Expect(bob.Locator("#game-status")).ToHaveTextAsync("This game has ended.");
        await Expect(bob.Locator("#chat-text")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task WhenTheChannelServerRestartsThePagesComeBackAndAMessageSentMeanwhileArrivesOnce()
    {
        var alice = await servers.NewPlayerAsync();
        var bob = await servers.NewPlayerAsync();
        var shareUrl = await CreateGameAsync(alice, "chat", "Alice");
        await JoinAsync(bob, shareUrl, "Bob");
        await SayAsync(alice, "before");
        await Expect(ChatTexts(bob)).ToHaveTextAsync(["before"]);

        await servers.RestartChannelsAsync(async () =>
        {
            await Expect(alice.Locator("#connection")).Not.ToHaveTextAsync("Connected");
            await SayAsync(alice, "meanwhile");
        });

        await Expect(alice.Locator("#connection")).ToHaveTextAsync("Connected");
        await Expect(bob.Locator("#connection")).ToHaveTextAsync("Connected");
        await Expect(ChatTexts(bob)).ToHaveTextAsync(["before", "meanwhile"]);
        await SayAsync(bob, "after");
        await Expect(ChatTexts(alice)).ToHaveTextAsync(["before", "meanwhile", "after"]);
        await Expect(ChatTexts(bob)).ToHaveTextAsync(["before", "meanwhile", "after"]);
        await Expect(Seat(alice, 2)).ToHaveAttributeAsync("data-connected", "true");
    }

    [Fact]
    public async Task TicTacToeRefusesAMoveOutOfTurnAndBothSeeTheWinner()
    {
        var alice = await servers.NewPlayerAsync();
        var bob = await servers.NewPlayerAsync();
        var shareUrl = await CreateGameAsync(alice, "tictactoe", "Alice");
        await JoinAsync(bob, shareUrl, "Bob");
        await Expect(alice.Locator("#turn")).ToHaveTextAsync("Your turn (X)");
        await Expect(bob.Locator("#turn")).ToHaveTextAsync("Alice's turn (X)");

        await bob.ClickAsync("#cell-4");
        await Expect(bob.Locator("#error")).ToHaveTextAsync("It is Alice's turn.");
        await Expect(bob.Locator("#cell-4")).ToHaveTextAsync("");

        // Alice takes the top row while Bob plays the middle one; each waits to see the other's move.
        var moves = new (IPage Player, IPage Other, int Cell, string Mark)[]
        {
            (alice, bob, 0, "X"), (bob, alice, 3, "O"), (alice, bob, 1, "X"), (bob, alice, 4, "O"), (alice, bob, 2, "X"),
        };
        foreach (var (player, other, cell, mark) in moves)
        {
            await player.ClickAsync($"#cell-{cell}");
            await Expect(other.Locator($"#cell-{cell}")).ToHaveTextAsync(mark);
        }
        await Expect(bob.Locator("#error")).ToBeHiddenAsync(); // cleared by Bob's legal moves

        await Expect(alice.Locator("#result")).ToHaveTextAsync("You (X) win!");
        await Expect(bob.Locator("#result")).ToHaveTextAsync("Alice (X) wins!");
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Locator(".cell.win")).ToHaveCountAsync(3);
            await Expect(page.Locator("#game-status")).ToHaveTextAsync("This game has ended.");
            await Expect(page.Locator("#cell-8")).ToBeDisabledAsync();
        }
        await Screenshots.TakeAsync(bob, "play-tictactoe");
    }

    [Fact]
    public async Task AGameThatDoesNotExistSaysSoOnItsPage()
    {
        var page = await servers.NewPlayerAsync();
        var response = await page.GotoAsync(new Uri(servers.Web.BaseAddress!, "/play/ZZZZZZ").ToString());

        response!.Status.ShouldBe(200);
        (await response.HeaderValueAsync("cache-control")).ShouldBe("no-cache");
        // A sentence for the player, not the API's code.
        await Expect(page.Locator("#error")).ToHaveTextAsync("There is no game with that code. Check it with the friend who shared it.");
        await Expect(page.Locator("#join")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task ANameIsCountedAsTheApiCountsItFortyEmojiAreANameAndOneMoreGetsASentence()
    {
        var forty = string.Concat(Enumerable.Repeat("\U0001F600", 40));
        var alice = await servers.NewPlayerAsync();
        await alice.GotoAsync(servers.Web.BaseAddress!.ToString());
        await alice.SelectOptionAsync("#title", "chat");
        await alice.FillAsync("#name", forty + "\U0001F600");
        await alice.ClickAsync("#create");
        await Expect(alice.Locator("#error")).ToHaveTextAsync("A name must be 1 to 40 characters long.");

        var shareUrl = await CreateGameAsync(alice, "chat", forty);
        await Expect(Seat(alice, 1)).ToContainTextAsync(forty);

        var bob = await servers.NewPlayerAsync();
        await bob.GotoAsync(shareUrl);
        await bob.FillAsync("#join-name", "Bob\t" + forty);
        await bob.ClickAsync("#join-button");
        await Expect(bob.Locator("#error")).ToHaveTextAsync("A name cannot contain control characters (such as line breaks or tabs).");
        await JoinAsync(bob, shareUrl, forty);
        await Expect(Seat(alice, 2)).ToContainTextAsync(forty);
    }

    private async Task<string> CreateGameAsync(IPage page, string title, string name)
    {
        await page.GotoAsync(servers.Web.BaseAddress!.ToString());
        await page.SelectOptionAsync("#title", title);
        await page.FillAsync("#name", name);
        await Screenshots.TakeAsync(page, "launcher");
        await page.ClickAsync("#create");
        await Expect(page).ToHaveURLAsync(new Regex("/play/[2-9A-Z]{6}$"));
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Connected");
        return await page.InputValueAsync("#share-link");
    }

    private static async Task JoinAsync(IPage page, string shareUrl, string name)
    {
        await page.GotoAsync(shareUrl);
        await Expect(page.Locator("#join")).ToBeVisibleAsync();
        await Expect(page.Locator("#game")).ToBeHiddenAsync(); // nothing to see of the game before joining it
        await page.FillAsync("#join-name", name);
        await Screenshots.TakeAsync(page, "join");
        await page.ClickAsync("#join-button");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Connected");
    }

    private static async Task SayAsync(IPage page, string text)
    {
        await page.FillAsync("#chat-text", text);
        await page.PressAsync("#chat-text", "Enter");
    }

    private static ILocator ChatTexts(IPage page) => page.Locator("[data-testid=chat-message] .text");

    private static ILocator Seat(IPage page, int seat) => page.Locator($"#seats li[data-seat='{seat}']");
}
