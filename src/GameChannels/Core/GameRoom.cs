using System.Globalization;
using System.Text.Json;
using Platform.Games;
using Platform.Redis;

namespace GameChannels.Core;

/// <summary>What a room asks of the rooms that hold it: whether the server is stopping, and to be let go.</summary>
public sealed record RoomHost(Func<bool> Stopping, Action<GameRoom> Closed);

/// <summary>
/// One game on this channel server, free of any transport: its messages and resumes here, its connections in
/// GameRoom.Members.cs, its seats' grace periods in GameRoom.Seats.cs, its end and its recovery from the log in
/// GameRoom.Ending.cs, and the order of relays in <see cref="RelayPipeline"/>.
/// Everything that gives a number is issued under the game's own lock, in order. A player's message holds the
/// lock only while it is issued, not for the round trip to Redis, so a game's players send side by side;
/// titles with rules judge each move against the ones before, so theirs wait for their number under the lock.
/// Games never wait for one another: each has its own lock.
/// </summary>
public sealed partial class GameRoom
{
    private readonly string _gameId;
    private readonly Title _title;
    private readonly RoomServices _services;
    private readonly RoomHost _host;
    private readonly RelayPipeline _relays;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<IMember> _members = [];
    private readonly TokenBucket _limiter;
    // Players' messages on their way to Redis; a send waits for room here before it is issued (backpressure).
    private readonly SemaphoreSlim _pending;
    private bool _ended;
    private bool _closed;

    public GameRoom(string gameId, Title title, RoomServices services, RoomHost host)
    {
        _gameId = gameId;
        _title = title;
        _services = services;
        _host = host;
        _limiter = new TokenBucket(services.Time, services.Options.MessagesPerSecondPerGame, services.Options.BurstPerGame);
        _pending = new SemaphoreSlim(services.Options.MaxPendingPerGame, services.Options.MaxPendingPerGame);
        _relays = new RelayPipeline(gameId,
            (clientIdKey, tail, from, to, nowMs, markLive, known) => services.Log.AppendAsync(gameId, clientIdKey, tail, from, to, nowMs, markLive, known),
            services);
    }

    public string GameId => _gameId;

    public Title Title => _title;

    /// <summary>Seats this game may have: its title's, bounded by Channels:MaxPlayersPerGame.</summary>
    public int Seats => _services.Seats.SeatsOf(_title);

    /// <summary>Appends a player's message and relays it; a resend of the same client id returns the first number.</summary>
    public async Task<long> SendAsync(IMember member, PlayerMessage message) => await (await BeginSendAsync(member, message)).Relayed;

    /// <summary>
    /// Gives a player's message its place in the game's order and returns once it has; the receipt's task
    /// completes with the message's number once it is logged and relayed (a resend of the same client id: the
    /// first number). A connection can thus send its next message without waiting for Redis, in order.
    /// </summary>
    public async Task<SendReceipt> BeginSendAsync(IMember member, PlayerMessage message)
    {
        if (message.To is { } to && (to < 1 || to > Seats))
        {
            throw ChannelException.BadRequest($"to must be a seat from 1 to {Seats}");
        }
        var seat = member.Player.Seat;
        var tail = Envelopes.Tail(seat, message.Type, message.Body, _services.Time.GetUtcNow().ToUnixTimeMilliseconds(), message.ClientMsgId, message.To);
        var bytes = System.Text.Encoding.UTF8.GetByteCount(tail);
        if (bytes > _services.Options.MaxMessageBytes)
        {
            throw ChannelException.TooLarge(bytes, _services.Options.MaxMessageBytes);
        }
        if (!member.Limiter.TryTake())
        {
            throw ChannelException.RateLimited("on this connection");
        }
        if (!_limiter.TryTake())
        {
            throw ChannelException.RateLimited("in this game");
        }
        // The transports read a connection's next record once this returns, so waiting here for the game's
        // earlier messages to reach Redis is what slows a sender down to the pace of the log.
        if (!_pending.Wait(0))
        {
            _services.Metrics.SendWaited();
            await _pending.WaitAsync();
        }
        Task<long> relayed;
        try
        {
            relayed = await IssueSendAsync(seat, message, tail);
        }
        catch
        {
            _pending.Release();
            throw;
        }
        if (relayed.IsCompleted)
        {
            _pending.Release();
        }
        else
        {
            _ = relayed.ContinueWith(static (_, pending) => ((SemaphoreSlim)pending!).Release(), _pending,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return new SendReceipt(relayed);
    }

    private async Task<Task<long>> IssueSendAsync(int seat, PlayerMessage message, string tail)
    {
        var clientIdKey = string.Create(CultureInfo.InvariantCulture, $"{seat}:{message.ClientMsgId}");
        await _gate.WaitAsync();
        try
        {
            await CatchUpAsync();
            var rules = _relays.Rules;
            // A retry of a message already logged gets its number, whatever has happened since (the rules
            // moved on, the game ended); the Lua append checks again for titles without rules.
            if ((rules is not null || _ended) && await _services.Log.FindClientIdAsync(_gameId, clientIdKey) is { } earlier)
            {
                return Task.FromResult(earlier);
            }
            if (_ended)
            {
                throw ChannelException.GameEnded(_gameId);
            }
            var verdict = rules?.Rules.Judge(seat, message.Type, message.Body, message.To) ?? Rules.Verdict.Accept;
            if (verdict.Rejection is { } why)
            {
                throw ChannelException.Rejected(why);
            }
            var relayed = _relays.Issue(seat, tail, message.To, clientIdKey, message.Type, message.Body);
            if (rules is null)
            {
                return relayed;
            }
            var seq = await relayed;
            foreach (var followUp in verdict.FollowUps)
            {
                await IssueSystem(followUp.Type, followUp.Body);
            }
            if (verdict.EndsGame)
            {
                await EndLockedAsync(null, "rules");
            }
            return Task.FromResult(seq);
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    /// <summary>
    /// A page of the messages after <paramref name="afterSeq"/> that the member may see. The last page (More is
    /// false) also makes the connection live: from then on it is relayed every new message.
    /// </summary>
    public async Task<LogPage> ResumeAsync(IMember member, long afterSeq)
    {
        if (afterSeq < 0)
        {
            throw ChannelException.BadRequest("afterSeq must be 0 or more");
        }
        var started = _services.Time.GetTimestamp();
        await _gate.WaitAsync();
        try
        {
            // Appends issued before may be relayed while the page is read. Relays of what the page has are
            // skipped for this connection; if one beyond it went out meanwhile, the client is sent for another
            // page rather than going live with a gap.
            var (relayedBefore, known) = _relays.BeforePage(afterSeq);
            var (state, messages, more) = await _services.Log.PageAsync(_gameId, afterSeq, _services.Options.ResumePageSize, member.Player.Seat, known);
            more = _relays.AfterPage(member, afterSeq, state, relayedBefore, more, goLive: _members.Contains(member));
            var page = new LogPage(state.LatestSeq, state.Epoch, messages.Select(m => m.Envelope).ToList(), more);
            _services.Metrics.Resumed(_services.Time.GetElapsedTime(started));
            return page;
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    /// <summary>Issues one of the server's own messages (presence, follow-ups, the end) under the lock held by the caller.</summary>
    private Task<long> IssueSystem(string type, JsonElement body) =>
        _relays.Issue(null, Envelopes.Tail(null, type, body, _services.Time.GetUtcNow().ToUnixTimeMilliseconds(), null, null), null, null, type, body);
}

/// <summary>A player's message with its place in the game's order: Relayed completes once it is logged and relayed.</summary>
public readonly record struct SendReceipt(Task<long> Relayed);
