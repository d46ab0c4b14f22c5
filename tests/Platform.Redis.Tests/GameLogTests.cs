using Platform.Games;
using Platform.TestSupport;
using StackExchange.Redis;

namespace Platform.Redis.Tests;

/// <summary>The log's numbering against a real Redis, from many writers at once.</summary>
public sealed class GameLogTests : RedisTests
{
    private GameLog Log => field ??= new GameLog(Redis);

    private static string Tail(string text) =>
        Envelopes.Tail(1, "chat", System.Text.Json.JsonSerializer.SerializeToElement(new { text }), 0, null, null);

    [Fact]
    public async Task ConcurrentAppendsGetDenseNumbersFromOne()
    {
        var game = GameIds.New();

        var numbers = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Log.AppendAsync(game, $"1:{i}", Tail($"{i}"), "1", null, 0))).DefaultTimeout();

        numbers.Select(n => n.Seq).Order().ShouldBe(Enumerable.Range(1, 500).Select(i => (long)i));
        (await Log.StateAsync(game)).LatestSeq.ShouldBe(500);
    }

    [Fact]
    public async Task AppendsAreNumberedInTheOrderTheyWereAskedForWithSeveralCallsInFlight()
    {
        // Enough for every call in flight to carry a full batch, and more waiting behind them.
        var count = GameLog.MaxBatch * (GameLog.MaxInFlight + 2) + 7;
        var games = new[] { GameIds.New(), GameIds.New() };

        var appends = Enumerable.Range(0, count).Select(i => Log.AppendAsync(games[i % 2], null, Tail($"{i}"), "1", null, 0)).ToList();
        var results = await Task.WhenAll(appends).DefaultTimeout();

        for (var i = 0; i < count; i++)
        {
            results[i].Seq.ShouldBe(i / 2 + 1, $"append {i}");
        }
        var (first, _) = await Log.ReadAsync(games[0], 0, 3, null);
        first.Select(m => m.Tail.Contains("\"text\":\"4\"")).ShouldBe([false, false, true]);
    }

    [Fact]
    public async Task AClientIdIsAppendedOnceWhateverHappens()
    {
        var game = GameIds.New();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Log.AppendAsync(game, "2:same", Tail("x"), "2", null, 0))).DefaultTimeout();

        results.Select(r => r.Seq).Distinct().ShouldHaveSingleItem().ShouldBe(1);
        results.Count(r => !r.Duplicate).ShouldBe(1);
        (await Log.ReadAsync(game, 0, 100, null)).Messages.Count.ShouldBe(1);
    }

    [Fact]
    public async Task PagesAreInOrderAndSkipOtherSeatsDirectMessages()
    {
        var game = GameIds.New();
        for (var i = 1; i <= 30; i++)
        {
            await Log.AppendAsync(game, null, Tail($"{i}"), "1", i % 3 == 0 ? 2 : null, 0);
        }

        var (forSeat3, more) = await Log.ReadAsync(game, 0, 15, seat: 3);
        forSeat3.Count.ShouldBe(15);
        more.ShouldBeTrue();
        forSeat3.ShouldAllBe(m => m.To == null);
        forSeat3.Select(m => m.Seq).ShouldBeInOrder(SortDirection.Ascending);
        var (rest, done) = await Log.ReadAsync(game, forSeat3[^1].Seq, 100, seat: 3);
        done.ShouldBeFalse();
        forSeat3.Concat(rest).Count().ShouldBe(20);
        (await Log.ReadAsync(game, 0, 100, seat: 2)).Messages.Count.ShouldBe(30);
        (await Log.ReadAsync(game, 29, 100, seat: 1)).Messages.ShouldHaveSingleItem().Envelope.ToString().ShouldStartWith("{\"seq\":30,\"from\":1,");
    }

    [Fact]
    public async Task WhenRedisCannotBeReachedEveryAppendFailsAndNoneIsLeftWaiting()
    {
        // Nothing listens on port 1: every batch fails, and the appends queued behind it are still sent (and fail)
        // rather than waiting for ever behind a batch that went wrong.
        using var nowhere = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=200,syncTimeout=500").DefaultTimeout();
        var log = new GameLog(nowhere);
        var game = GameIds.New();
        var appends = Enumerable.Range(0, GameLog.MaxBatch + 10).Select(i => log.AppendAsync(game, null, Tail($"{i}"), "1", null, 0)).ToList();

        foreach (var append in appends)
        {
            await Should.ThrowAsync<RedisException>(append.DefaultTimeout());
        }
        await Should.ThrowAsync<RedisException>(log.AppendAsync(game, null, Tail("later"), "1", null, 0).DefaultTimeout());
    }

    [Fact]
    public async Task APageComesWithTheStateInOneRead()
    {
        var game = GameIds.New();
        var (empty, none, noMore) = await Log.PageAsync(game, 0, 10, seat: 1);
        empty.LatestSeq.ShouldBe(0);
        none.ShouldBeEmpty();
        noMore.ShouldBeFalse();
        for (var i = 1; i <= 12; i++)
        {
            await Log.AppendAsync(game, null, Tail($"{i}"), "1", i == 2 ? 2 : null, 0);
        }
        await Log.SetStatusAsync(game, "ended");

        var (state, page, more) = await Log.PageAsync(game, 0, 10, seat: 3);
        state.ShouldBe(new GameLogState(12, empty.Epoch, "ended"), "the epoch a reader saw first is the log's");
        page.Select(m => m.Seq).ShouldBe([1, 3, 4, 5, 6, 7, 8, 9, 10, 11], "seat 2's direct message skipped, the page still full");
        more.ShouldBeTrue();
        (await Log.PageAsync(game, 11, 10, seat: 3)).Messages.ShouldHaveSingleItem().Seq.ShouldBe(12);
    }

    [Fact]
    public async Task TheEpochStaysUntilTheLogIsLost()
    {
        var game = GameIds.New();
        var before = (await Log.StateAsync(game)).Epoch;
        await Log.AppendAsync(game, null, Tail("a"), "1", null, 0);
        (await Log.StateAsync(game)).Epoch.ShouldBe(before);

        await Redis.GetDatabase().KeyDeleteAsync([RedisKeys.GameMeta(game), RedisKeys.GameLog(game)]);

        (await Log.AppendAsync(game, null, Tail("b"), "1", null, 0)).Seq.ShouldBe(1);
        (await Log.StateAsync(game)).Epoch.ShouldNotBe(before);
    }
}
