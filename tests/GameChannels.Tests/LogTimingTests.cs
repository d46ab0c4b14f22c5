using System.Collections.Concurrent;
using System.Text.Json;
using GameChannels.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Games;
using Platform.Redis;
using Platform.TestSupport;
using Platform.TestSupport.Channels;
using StackExchange.Redis;

namespace GameChannels.Tests;

/// <summary>
/// The game core driven in-process on the real Redis, with the log held or failed at moments a real server
/// shows only by chance. A resume that races a relay: a message issued before the resume but logged just after
/// its page was read, and relayed before the page comes back. The page cannot have it and the connection is
/// not live yet to be relayed it, so the client must be sent for another page (DESIGN.md: resume, exactly
/// once). And a join whose own message is never logged: the join returned at its place in the order, so the
/// connection is dropped instead, and the client resumes.
/// </summary>
public sealed class LogTimingTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync();
        _host = InProcessCore.Build(_database, TimeProvider.System, builder =>
        {
            builder.Configuration["Channels:MaxPendingPerGame"] = $"{MaxPending}";
            builder.Services.AddSingleton<GameLog, HeldGameLog>();
        });
    }

    public async Task DisposeAsync()
    {
        InProcessCore.Dispose(_host);
        await _database.DisposeAsync();
    }

    private const int MaxPending = 4;

    [Fact]
    public async Task AGameTakesNoMoreMessagesThanItHasOnTheirWayToRedisAndLosesNone()
    {
        var (_, room, a, b) = await TwoPlayersAsync();
        await Until(() => a.Seqs.Count >= 1, "a sees b connect");
        var seen = a.Seqs.Count;

        var appendsBefore = Log.Appends;
        var release = Log.HoldAppends();
        var issued = new List<Task<long>>();
        for (var i = 0; i < MaxPending; i++)
        {
            issued.Add((await room.BeginSendAsync(i % 2 == 0 ? a : b, Send("chat", $"{i}")).DefaultTimeout()).Relayed);
        }
        // The next send is not given its place while the game's first messages wait for Redis: the transport
        // reads that connection's next record only once it is.
        var next = room.BeginSendAsync(a, Send("chat", "next"));
        (await Task.WhenAny(next, Task.Delay(500))).ShouldNotBe(next, "a send past the limit waits");
        (Log.Appends - appendsBefore).ShouldBe(MaxPending, "nothing past the limit is on its way to Redis");

        release();
        issued.Add((await next.DefaultTimeout()).Relayed);
        var numbers = await Task.WhenAll(issued).DefaultTimeout();
        numbers.ShouldBe(Enumerable.Range(0, MaxPending + 1).Select(i => numbers[0] + i), "every message, once, in the order sent");
        await Until(() => a.Seqs.Count >= seen + MaxPending + 1, "a is relayed all of them");
    }

    private GameRooms Rooms => _host.Services.GetRequiredService<GameRooms>();

    private HeldGameLog Log => (HeldGameLog)_host.Services.GetRequiredService<GameLog>();

    [Fact]
    public async Task AMessageRelayedWhileAPageIsReadSendsTheClientForAnotherPageAndIsNeitherLostNorRepeated()
    {
        var (_, room, a, b) = await TwoPlayersAsync();
        await Until(() => a.Seqs.Count >= 1, "a sees b connect");

        // A's message takes its place in the order, then waits on its way to Redis.
        var release = Log.HoldAppends();
        var relayed = (await room.BeginSendAsync(a, Send("chat", "while b resumes"))).Relayed;
        relayed.IsCompleted.ShouldBeFalse();
        // B's page is read without it; before the page returns, the message is logged and relayed.
        Log.AfterNextPage = async () =>
        {
            release();
            await relayed;
        };
        var first = await room.ResumeAsync(b, 0);
        var seq = await relayed;

        Seqs(first.Messages).ShouldNotContain(seq);
        first.More.ShouldBeTrue("a message beyond the page went out while it was read: the client needs another page");
        b.Seqs.ShouldNotContain(seq);
        var rest = await ReadAllAsync(room, b, Seqs(first.Messages).DefaultIfEmpty(0).Max());
        rest.ShouldContain(seq);

        // From now on b is live: the next message arrives once.
        var next = await room.SendAsync(a, Send("chat", "after"));
        await Until(() => b.Seqs.Contains(next), "b is relayed the next message");
        Seqs(first.Messages).Concat(rest).Concat(b.Seqs).ShouldBeUnique();
        a.DropReason.ShouldBeNull();
        b.DropReason.ShouldBeNull();
    }

    [Fact]
    public async Task AResumeBeyondTheEndWhileAMessageIsRelayedRenewsTheEpochForItsClientAloneAndDropsNoOne()
    {
        var (_, room, a, b) = await TwoPlayersAsync();
        await Until(() => a.Seqs.Count >= 1, "a sees b connect");

        // A's message waits on its way to Redis while b resumes from a number beyond the log's end; it is logged
        // and relayed after b's page is read, so the room has relayed past that page by the time it looks.
        var release = Log.HoldAppends();
        var relayed = (await room.BeginSendAsync(a, Send("chat", "while b resumes beyond the end"))).Relayed;
        Log.AfterNextPage = async () =>
        {
            release();
            await relayed;
        };
        var page = await room.ResumeAsync(b, 1_000_000);
        await relayed;

        a.DropReason.ShouldBeNull("nothing relayed was lost, so the live connections are not sent to resume in a new epoch");
        page.Epoch.ShouldNotBeNull();
        var next = await room.SendAsync(a, Send("chat", "after")).DefaultTimeout();
        await Until(() => a.Seqs.Contains(next), "a is still live");
    }

    [Fact]
    public async Task AMessageRelayedWhileTheFirstPagesOfAConnectionWithAfterAreReadIsInTheNextPageOnce()
    {
        var game = await TestGames.CreateAsync(_database, 2);
        var a = Member(game, 0);
        var room = await Rooms.JoinAsync(a);
        await ReadAllAsync(room, a, 0);
        var b = Member(game, 1);

        var release = Log.HoldAppends();
        var relayed = (await room.BeginSendAsync(a, Send("chat", "while b connects"))).Relayed;
        // B's first page is read without it; before the page returns, the message is logged and relayed.
        Log.AfterNextPage = async () =>
        {
            release();
            await relayed;
        };
        await Rooms.JoinAsync(b, after: 0).DefaultTimeout();
        var seq = await relayed;

        b.Pages.Count.ShouldBeGreaterThan(1);
        b.Pages[0].More.ShouldBeTrue("a message beyond the page went out while it was read: the server sends another");
        b.Pages[^1].More.ShouldBeFalse();
        var paged = b.Pages.SelectMany(page => Seqs(page.Messages)).ToList();
        paged.ShouldContain(seq);
        var next = await room.SendAsync(a, Send("chat", "after"));
        await Until(() => b.Seqs.Contains(next), "b is live once its last page is sent");
        var all = paged.Concat(b.Seqs).Order().ToList();
        all.ShouldBe(Enumerable.Range(1, all.Count).Select(i => (long)i), "from the start, no gap and no repeat");
        b.DropReason.ShouldBeNull();
    }

    [Fact]
    public async Task AJoinWhoseMessagesAreNeverLoggedDropsItsConnection()
    {
        var game = await TestGames.CreateAsync(_database, 2);
        var a = Member(game, 0);

        Log.FailAppends = true;
        // The join returns once player.joined and player.connected have their places, before Redis answers.
        await Rooms.JoinAsync(a);
        await Until(() => a.DropReason is not null, "the connection is dropped once Redis refuses its messages");
        a.DropReason.ShouldBe("the game log cannot be reached");
    }

    [Fact]
    public async Task AnAppendWhoseAnswerIsLostSendsTheLiveConnectionsToResumeAndTheyMissNothing()
    {
        var (game, room, a, b) = await TwoPlayersAsync();
        var seen = await ReadAllAsync(room, b, 0);

        // Redis logs the message, but its answer never arrives (a timeout): the room cannot tell whether it is in
        // the log, so it must not go on relaying past it as if it were not.
        Log.LoseAnswers = true;
        await Should.ThrowAsync<TimeoutException>(room.SendAsync(a, Send("chat", "logged, answer lost")));
        Log.LoseAnswers = false;

        b.DropReason.ShouldBe("the game log cannot be reached");
        a.DropReason.ShouldBe("the game log cannot be reached");
        var resumed = await ReadAllAsync(room, b, seen.Concat(b.Seqs).Max());
        (await Log.ReadAsync(game.GameId, 0, 100, null)).Messages.Select(m => m.Seq).ShouldBeSubsetOf(seen.Concat(b.Seqs).Concat(resumed));
    }

    [Fact]
    public async Task AMoveWhoseAnswerIsLostIsJudgedAsLoggedWhenTheNextMoveComes()
    {
        var (_, room, a, b) = await TwoPlayersAsync(Titles.TicTacToe.Id);

        // Seat 1's move is logged, but its answer never arrives: the rules never saw it relayed.
        Log.LoseAnswers = true;
        await Should.ThrowAsync<TimeoutException>(room.SendAsync(a, Move(4)));
        Log.LoseAnswers = false;

        // The room reads the log again before it judges the next move: seat 1 has moved, and cell 4 (5 to people)
        // is taken.
        var again = await Should.ThrowAsync<ChannelException>(room.SendAsync(a, Move(0)));
        again.Message.ShouldBe("rejected: it is Player 2's turn");
        var taken = await Should.ThrowAsync<ChannelException>(room.SendAsync(b, Move(4)));
        taken.Message.ShouldBe("rejected: cell 5 is taken");
        await room.SendAsync(b, Move(0));
    }

    [Fact]
    public async Task AnEndWhoseAnswerIsLostEndsTheGameAllTheSame()
    {
        var (game, room, a, _) = await TwoPlayersAsync();

        Log.LoseAnswers = true;
        await Should.ThrowAsync<TimeoutException>(room.EndAsync(1, "host"));
        Log.LoseAnswers = false;

        // game.ended is in the log: nothing may come after it, and the rest of the end is done.
        var late = await Should.ThrowAsync<ChannelException>(room.SendAsync(a, Send("chat", "after the end")));
        late.Code.ShouldBe("game_ended");
        (await Log.StateAsync(game.GameId)).Status.ShouldBe(GameStatus.Ended);
        (await Log.ReadAsync(game.GameId, 0, 100, null)).Messages[^1].Envelope.ToString().ShouldContain("game.ended");
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("tictactoe")]
    public async Task AnEndLoggedBeforeTheServerStoppedIsFinishedWhenTheGameIsLoadedAgain(string title)
    {
        var game = await TestGames.CreateAsync(_database, 2, title);
        // game.ended is in the log, but the server stopped before it wrote the status: Redis says the game is open.
        var body = JsonSerializer.SerializeToElement(new { reason = "host", by = 1 });
        var ended = await Log.AppendAsync(game.GameId, null, Envelopes.Tail(null, "game.ended", body, 0, null, null), Envelopes.System, null, 0);
        (await Log.StateAsync(game.GameId)).Status.ShouldBeNull();

        var a = Member(game, 0);
        var room = await Rooms.JoinAsync(a);
        var late = await Should.ThrowAsync<ChannelException>(room.SendAsync(a, Titles.TicTacToe.Id == title ? Move(4) : Send("chat", "after the end")));
        late.Code.ShouldBe("game_ended");
        (await Log.StateAsync(game.GameId)).Status.ShouldBe(GameStatus.Ended);
        (await Log.ReadAsync(game.GameId, ended.Seq, 100, null)).Messages.ShouldAllBe(m => !m.Tail.Contains("after the end"));
    }

    /// <summary>A game of two: a joined and live, b joined.</summary>
    private async Task<(TestGame Game, GameRoom Room, TestMember A, TestMember B)> TwoPlayersAsync(string title = "chat")
    {
        var game = await TestGames.CreateAsync(_database, 2, title);
        var a = Member(game, 0);
        var b = Member(game, 1);
        var room = await Rooms.JoinAsync(a);
        await ReadAllAsync(room, a, 0);
        await Rooms.JoinAsync(b);
        return (game, room, a, b);
    }

    /// <summary>Pages from <paramref name="after"/> until the member is live; the numbers read.</summary>
    private static async Task<List<long>> ReadAllAsync(GameRoom room, IMember member, long after)
    {
        var read = new List<long>();
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await room.ResumeAsync(member, after);
            read.AddRange(Seqs(page.Messages));
            after = read.DefaultIfEmpty(after).Max();
            if (!page.More)
            {
                return read;
            }
        }
        throw new ShouldAssertException("still more after 100 pages");
    }

    private static IEnumerable<long> Seqs(IEnumerable<RawJson> envelopes) =>
        envelopes.Select(e => JsonDocument.Parse(e.Utf8).RootElement.GetProperty("seq").GetInt64());

    private static PlayerMessage Send(string type, string text) =>
        SendRequests.Parse(JsonSerializer.SerializeToElement(new { clientMsgId = Guid.NewGuid().ToString("N"), type, body = new { text } }));

    private static PlayerMessage Move(int cell) =>
        SendRequests.Parse(JsonSerializer.SerializeToElement(new { clientMsgId = Guid.NewGuid().ToString("N"), type = "move", body = new { cell } }));

    private static Task Until(Func<bool> condition, string what) => Eventually.TrueAsync(condition, TaskTimeouts.Default, what);

    private static TestMember Member(TestGame game, int index)
    {
        TestGames.Tokens().TryOpen(game.Tokens[index], out var player, out var problem).ShouldBeTrue(problem);
        return new TestMember($"test-{index}", player);
    }

    /// <summary>A connection that keeps the numbers relayed to it.</summary>
    private sealed class TestMember(string connectionId, JoinToken player) : IMember
    {
        private readonly ConcurrentQueue<long> _seqs = new();

        public IReadOnlyCollection<long> Seqs => [.. _seqs];

        public string ConnectionId => connectionId;

        public JoinToken Player => player;

        public TokenBucket Limiter { get; } = new(TimeProvider.System, 1000, 1000);

        public bool TryDeliver(RawJson envelope)
        {
            _seqs.Enqueue(LogTimingTests.Seqs([envelope]).Single());
            return true;
        }

        private readonly ConcurrentQueue<LogPage> _pages = new();

        /// <summary>The pages sent unasked (a connection opened with ?after=), in order.</summary>
        public IReadOnlyList<LogPage> Pages => [.. _pages];

        public Task SendPageAsync(LogPage page)
        {
            _pages.Enqueue(page);
            return Task.CompletedTask;
        }

        public Task Reconnect(int afterMs) => Task.CompletedTask;

        public string? DropReason { get; private set; }

        public void Drop(string reason) => DropReason ??= reason;
    }

    /// <summary>The real log, with appends held back, failed or their answers lost on request, and a step after the next page is read.</summary>
    private sealed class HeldGameLog(IConnectionMultiplexer redis) : GameLog(redis)
    {
        private TaskCompletionSource? _held;

        public bool FailAppends { get; set; }

        /// <summary>Appends are logged, then fail as if Redis's answer had timed out.</summary>
        public bool LoseAnswers { get; set; }

        public Func<Task>? AfterNextPage { get; set; }

        /// <summary>Holds every append from now until the returned action is called; then they go on in the order asked.</summary>
        public Action HoldAppends()
        {
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _held = held;
            return () =>
            {
                _held = null;
                held.SetResult();
            };
        }

        private int _appends;
        private Task _previous = Task.CompletedTask;
        private readonly Lock _order = new();

        /// <summary>Appends asked for since the log was made.</summary>
        public int Appends => Volatile.Read(ref _appends);

        public override async Task<AppendResult> AppendAsync(string gameId, string? clientIdKey, string tail, string from, int? to, long nowMs, bool markLive = true,
            LogKnown known = default)
        {
            Interlocked.Increment(ref _appends);
            if (_held is { } held)
            {
                // Each held append waits for the release and for the one asked before it, as the real log's order.
                Task previous;
                var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_order)
                {
                    (previous, _previous) = (_previous, mine.Task);
                }
                await held.Task;
                await previous;
                try
                {
                    return await AppendHeldAsync(gameId, clientIdKey, tail, from, to, nowMs, markLive, known, mine);
                }
                finally
                {
                    mine.TrySetResult();
                }
            }
            return await AppendHeldAsync(gameId, clientIdKey, tail, from, to, nowMs, markLive, known, null);
        }

        private async Task<AppendResult> AppendHeldAsync(string gameId, string? clientIdKey, string tail, string from, int? to, long nowMs, bool markLive, LogKnown known,
            TaskCompletionSource? asked)
        {
            if (FailAppends)
            {
                throw new TimeoutException("the test made the log unreachable");
            }
            var append = base.AppendAsync(gameId, clientIdKey, tail, from, to, nowMs, markLive, known);
            asked?.TrySetResult(); // in the real log's order now: the next held one may go
            var appended = await append;
            return LoseAnswers ? throw new TimeoutException("the test lost Redis's answer") : appended;
        }

        public override async Task<(GameLogState State, IReadOnlyList<LoggedMessage> Messages, bool More)> PageAsync(string gameId, long afterSeq, int limit, int? seat,
            LogKnown known = default)
        {
            var page = await base.PageAsync(gameId, afterSeq, limit, seat, known);
            if (AfterNextPage is { } step)
            {
                AfterNextPage = null;
                await step();
            }
            return page;
        }
    }
}
