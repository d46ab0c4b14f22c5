using System.Text.Json;
using GameChannels.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Platform.Games;
using Platform.Redis;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

/// <summary>
/// Tic-tac-toe's grace period on a fake clock, with the game core in-process on the real Redis and archive: a
/// player back in time keeps the game, and the time away counts from the log when a room is loaded again.
/// </summary>
public sealed class SeatGraceClockTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestDatabase _database = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync();
        _host = InProcessCore.Build(_database, _time);
    }

    public async Task DisposeAsync()
    {
        InProcessCore.Dispose(_host);
        await _database.DisposeAsync();
    }

    private GameRooms Rooms => _host.Services.GetRequiredService<GameRooms>();

    private GameLog Log => _host.Services.GetRequiredService<GameLog>();

    /// <summary>A game of tic-tac-toe whose host has played a move.</summary>
    private async Task<(TestGame Game, GameRoom Room, GraceMember Host, GraceMember Guest)> StartAsync()
    {
        var game = await TestGames.CreateAsync(_database, 2, Titles.TicTacToe.Id);
        var (host, guest) = (Member(game, 0, "a"), Member(game, 1, "b"));
        var room = await Rooms.JoinAsync(host).DefaultTimeout();
        await Rooms.JoinAsync(guest).DefaultTimeout();
        await room.SendAsync(host, Move(4)).DefaultTimeout();
        return (game, room, host, guest);
    }

    [Fact]
    public async Task AGuestBackWithinTheGracePeriodKeepsTheGame()
    {
        var (game, room, _, guest) = await StartAsync();

        await room.LeaveAsync(guest, "closed").DefaultTimeout();
        _time.Advance(TimeSpan.FromSeconds(29));
        var back = Member(game, 1, "b2");
        await Rooms.JoinAsync(back).DefaultTimeout();
        _time.Advance(TimeSpan.FromSeconds(40));

        (await room.SendAsync(back, Move(0)).DefaultTimeout()).ShouldBeGreaterThan(0, "the guest's game goes on");
        (await TypesAsync(game)).ShouldNotContain("player.left");
    }

    [Fact]
    public async Task TheTimeAwayCountsFromTheLogWhenTheRoomIsLoadedAgain()
    {
        var (game, room, host, guest) = await StartAsync();
        await room.LeaveAsync(guest, "closed").DefaultTimeout();
        _time.Advance(TimeSpan.FromSeconds(10));
        await room.LeaveAsync(host, "closed").DefaultTimeout(); // the room is let go, and its timers with it

        _time.Advance(TimeSpan.FromSeconds(25));
        var again = Member(game, 0, "a2");
        await Rooms.JoinAsync(again).DefaultTimeout();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        // The guest went 35 s ago by the log: its seat is left at once, not 30 s after the room came back.
        var types = await Eventually.ForAsync(async () => await TypesAsync(game) is var t && t.Contains("game.reset") ? t : null,
            TaskTimeouts.Default, "the guest's seat is left");
        types.TakeLast(2).ShouldBe(["player.left", "game.reset"]);
    }

    private async Task<List<string>> TypesAsync(TestGame game) =>
        (await Log.ReadAsync(game.GameId, 0, 1000, null).DefaultTimeout()).Messages
            .Select(m => JsonDocument.Parse(m.Envelope.Utf8).RootElement.GetProperty("type").GetString()!).ToList();

    private static PlayerMessage Move(int cell) =>
        SendRequests.Parse(JsonSerializer.SerializeToElement(new { clientMsgId = Guid.NewGuid().ToString("N"), type = "move", body = new { cell } }));

    private static GraceMember Member(TestGame game, int index, string connectionId)
    {
        TestGames.Tokens().TryOpen(game.Tokens[index], out var player, out var problem).ShouldBeTrue(problem);
        return new GraceMember(connectionId, player);
    }
}

/// <summary>A connection that takes whatever it is relayed.</summary>
internal sealed class GraceMember(string connectionId, JoinToken player) : IMember
{
    public string ConnectionId => connectionId;

    public JoinToken Player => player;

    public TokenBucket Limiter { get; } = new(TimeProvider.System, 1000, 1000);

    public bool TryDeliver(RawJson envelope) => true;

    public Task SendPageAsync(LogPage page) => Task.CompletedTask;

    public Task Reconnect(int afterMs) => Task.CompletedTask;

    public void Drop(string reason)
    {
    }
}
