using System.Globalization;
using System.Text.Json;
using GameChannels.Rules;
using Platform.Games;
using Platform.Redis;

namespace GameChannels.Core;

/// <summary>
/// One game on this channel server, free of any transport. Everything that gives a number (a player's
/// message, presence, the rules' follow-ups, the end) is issued under the game's own lock, in order, and relayed
/// in that same order once Redis has logged it, so every connection receives the game's messages in number order
/// and only after they are in the log. A player's message holds the lock only while it is issued, not for the
/// round trip to Redis, so a game's players send side by side (docs/benchmark.md); titles with rules judge each
/// move against the ones before, so theirs wait for their number under the lock. Games never wait for one
/// another: each has its own lock.
/// </summary>
public sealed partial class GameRoom(string gameId, Title title, RoomServices services)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<IMember> _members = [];
    // The connections relayed every new message, each with the number up to which its resume page had them.
    private readonly List<LiveMember> _live = [];
    private readonly TokenBucket _limiter = new(services.Time, services.Options.MessagesPerSecondPerGame, services.Options.BurstPerGame);
    // Players' messages on their way to Redis; a send waits for room here before it is issued (backpressure).
    private readonly SemaphoreSlim _pending = new(services.Options.MaxPendingPerGame, services.Options.MaxPendingPerGame);
    private IRulesState? _rules;
    private bool _ended;
    private bool _closed;
    private long _lastSeq;
    // Issued appends, in issue order, waiting for Redis; relayed from the front as they complete.
    private readonly Queue<PendingRelay> _relays = new();
    private readonly Lock _relaysLock = new();
    private long _markedLiveAtMs = long.MinValue / 2;
    // When an append failed, the last number the room was sure of (Redis may have logged the append all the same);
    // -1 when none has. What the room knows past it (the rules' state, whether the game ended) is read again from
    // the log before it is relied on (CatchUpAsync). Set under the relay lock.
    private long _unsureAfter = -1;
    // The log's epoch as the room last read it (null: not known since a log was lost), and whether a client's
    // afterSeq beyond the log's end may still start a new epoch: once per room, so that the clients of the old
    // epoch, resuming one by one, do not start one each. Both under the relay lock.
    private string? _epoch;
    private bool _afterSeqMayRenew = true;

    /// <summary>How often a busy game's last activity is written for the idle sweep.</summary>
    private const long MarkLiveEveryMs = 10_000;

    public string GameId => gameId;

    public Title Title => title;

    /// <summary>Seats this game may have: its title's, bounded by Channels:MaxPlayersPerGame.</summary>
    public int Seats => services.Seats.SeatsOf(title);

    /// <summary>Reads the game's state from the log: whether it has ended, and the rules' state.</summary>
    internal async Task LoadAsync()
    {
        var state = await services.Log.StateAsync(gameId);
        _ended = state.Status == GameStatus.Ended;
        _lastSeq = state.LatestSeq;
        _epoch = state.Epoch;
        if (services.Rules.ContainsKey(title.Id))
        {
            await ReadAgainAsync(0);
        }
        else if (!_ended && state.LatestSeq > 0)
        {
            // A game.ended logged just before a server stopped (or whose answer was lost) may have no status yet:
            // the last message is read before a send or an end relies on the game being open.
            _unsureAfter = state.LatestSeq - 1;
        }
    }

    /// <summary>
    /// After an append that failed (under the lock): Redis may have logged it all the same, its answer lost to a
    /// timeout or a broken connection. The rules judge the next move by the moves before it, and a game.ended
    /// logged that way ended the game, so both are read again from the log before the room relies on them. While
    /// Redis cannot be read this fails, and the next caller tries again.
    /// </summary>
    private async Task CatchUpAsync()
    {
        var after = Volatile.Read(ref _unsureAfter);
        if (after < 0)
        {
            return;
        }
        await ReadAgainAsync(after);
        // An append that fails meanwhile needs no second look: titles with rules await theirs under the lock, so
        // none is on its way now, and game.ended is always awaited under the lock.
        lock (_relaysLock)
        {
            _unsureAfter = -1;
        }
    }

    /// <summary>
    /// Reads from the log what the room relies on: the rules' state, from the start (titles with rules), and a
    /// game.ended among what it reads (after <paramref name="after"/> for other titles), whose other half (the
    /// status, the archive, the job) is done here if its answer never came.
    /// </summary>
    private async Task ReadAgainAsync(long after)
    {
        var rules = NewRules();
        var seats = rules is null ? null : new SeatLog();
        (long Seq, string Reason)? ended = null;
        for (var from = rules is null ? after : 0; ;)
        {
            var (messages, more) = await services.Log.ReadAsync(gameId, from, 1000, seat: null);
            foreach (var message in messages)
            {
                if (Observe(rules, seats, message) is { } reason)
                {
                    ended = (message.Seq, reason);
                }
                from = message.Seq;
            }
            if (!more)
            {
                break;
            }
        }
        if (rules is not null)
        {
            lock (_relaysLock)
            {
                _rules = rules;
                _seatLog = seats;
            }
        }
        if (ended is { } end && !_ended)
        {
            _ended = true;
            await services.Ending.EndedAsync(gameId, end.Reason, end.Seq);
        }
    }

    /// <summary>A fresh state of the title's rules; null for a title without rules.</summary>
    private IRulesState? NewRules() => services.NewRules(gameId, title.Id);

    /// <summary>
    /// Adds a connection: its first connection announces the player (player.joined), every connection is
    /// announced (player.connected). False if this room was closed meanwhile (the caller gets a fresh one).
    /// </summary>
    public async Task<bool> JoinAsync(IMember member)
    {
        await _gate.WaitAsync();
        try
        {
            if (_closed)
            {
                return false;
            }
            if (member.Player.Seat < 1 || member.Player.Seat > Seats)
            {
                throw ChannelException.Forbidden($"seat {member.Player.Seat} is beyond the {Seats} players this game may have");
            }
            if (_members.Count >= services.Options.MaxConnectionsPerGame)
            {
                throw ChannelException.Forbidden($"game {gameId} has {_members.Count} connections, the most it may have");
            }
            // An ended game may still be looked at, and shows who is looking, but its log ends at game.ended.
            await CatchUpAsync();
            await CheckSeatHeldAsync(member);
            var seat = member.Player.Seat;
            if (await services.Presence.ConnectedAsync(gameId, seat, member.Player.Name) && !_ended)
            {
                await Placed(IssueSystem("player.joined", Json(new SeatName(seat, member.Player.Name))), member);
            }
            // Counted only once its presence is in Redis: a join that fails leaves nothing behind. (Its messages
            // need only their place; one that is never logged drops the connection, see Placed.)
            _members.Add(member);
            services.Metrics.Connected(1);
            if (!_ended)
            {
                await Placed(IssueSystem("player.connected", Json(new SeatOnly(seat))), member);
            }
            WatchSeats();
            if (services.Rooms.Stopping)
            {
                // It arrived after the others were told to come back: so is it, or the server would wait for it.
                _ = member.Reconnect(Random.Shared.Next(services.Options.ReconnectJitterMs + 1));
            }
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task LeaveAsync(IMember member, string reason)
    {
        Task presence;
        await _gate.WaitAsync();
        try
        {
            if (!_members.Remove(member))
            {
                return;
            }
            lock (_relaysLock)
            {
                _live.RemoveAll(live => live.Member == member);
            }
            services.Metrics.Connected(-1);
            // Asked for under the lock, so it reaches Redis before a later join's (GamePresence keeps the order),
            // and waited for after it: when many players drop at once, the answer waits its turn on a busy thread
            // pool, and the game's next join or resume would wait with it (docs/benchmark.md).
            presence = services.Presence.DisconnectedAsync(gameId, member.Player.Seat);
            var disconnected = _ended ? Task.FromResult(_lastSeq)
                : IssueSystem("player.disconnected", Json(new SeatReason(member.Player.Seat, reason)));
            if (_members.Count == 0)
            {
                // The last one out waits for the room's last message to be logged before the room goes, so that a
                // room opened next for this game loads a log that has it.
                await disconnected;
                _closed = true;
                services.Rooms.Remove(this);
                StopWatchingSeats();
            }
            else
            {
                // As a join: its place in the order is enough, and the others' joins and resumes need the lock.
                await Placed(disconnected, member);
                WatchSeats();
            }
        }
        finally
        {
            _gate.Release();
        }
        await presence;
    }

    /// <summary>Appends a player's message and relays it; a resend of the same client id returns the first number.</summary>
    public async Task<long> SendAsync(IMember member, SendRequest request) => await await BeginSendAsync(member, request);

    /// <summary>
    /// Gives a player's message its place in the game's order and returns once it has; the task it returns
    /// completes with the message's number once it is logged and relayed (a resend of the same client id: the
    /// first number). A connection can thus send its next message without waiting for Redis, in order.
    /// </summary>
    public async Task<Task<long>> BeginSendAsync(IMember member, SendRequest request)
    {
        var (clientMsgId, type, body) = Validate(request);
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
            services.Metrics.SendWaited();
            await _pending.WaitAsync();
        }
        Task<long> relayed;
        try
        {
            relayed = await IssueSendAsync(member, request, clientMsgId, type, body);
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
        return relayed;
    }

    private async Task<Task<long>> IssueSendAsync(IMember member, SendRequest request, string clientMsgId, string type, JsonElement body)
    {
        var seat = member.Player.Seat;
        var clientIdKey = string.Create(CultureInfo.InvariantCulture, $"{seat}:{clientMsgId}");

        await _gate.WaitAsync();
        try
        {
            await CatchUpAsync();
            // A retry of a message already logged gets its number, whatever has happened since (the rules
            // moved on, the game ended); the Lua append checks again for titles without rules.
            if ((_rules is not null || _ended) && await services.Log.FindClientIdAsync(gameId, clientIdKey) is { } earlier)
            {
                return Task.FromResult(earlier);
            }
            if (_ended)
            {
                throw ChannelException.GameEnded(gameId);
            }
            var verdict = _rules?.Judge(seat, type, body, request.To) ?? Verdict.Accept;
            if (verdict.Rejection is { } why)
            {
                throw ChannelException.Rejected(why);
            }

            var tail = Envelopes.Tail(seat, type, body, services.Time.GetUtcNow().ToUnixTimeMilliseconds(), clientMsgId, request.To);
            var bytes = System.Text.Encoding.UTF8.GetByteCount(tail);
            if (bytes > services.Options.MaxMessageBytes)
            {
                throw ChannelException.TooLarge(bytes, services.Options.MaxMessageBytes);
            }
            var relayed = Issue(seat, tail, request.To, clientIdKey);
            if (_rules is null)
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
            _gate.Release();
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
        var started = services.Time.GetTimestamp();
        await _gate.WaitAsync();
        try
        {
            // Appends issued before may be relayed while the page is read. Relays of what the page has are
            // skipped for this connection (After); if one beyond it went out meanwhile, the client is sent for
            // another page rather than going live with a gap.
            long relayedBefore;
            LogKnown known;
            lock (_relaysLock)
            {
                relayedBefore = _lastSeq;
                // A log shorter than what was relayed, or than a client has seen, goes on in a new epoch.
                known = new LogKnown(Math.Max(_lastSeq, _afterSeqMayRenew ? afterSeq : 0), _epoch);
            }
            var (state, messages, more) = await services.Log.PageAsync(gameId, afterSeq, services.Options.ResumePageSize, member.Player.Seat, known);
            lock (_relaysLock)
            {
                if (state.Epoch != _epoch)
                {
                    if (_lastSeq > state.LatestSeq)
                    {
                        // The room relayed what the log no longer has: its live connections saw it too.
                        ResetAfterLostLog(state.Epoch, "a resume");
                        _lastSeq = state.LatestSeq;
                    }
                    else
                    {
                        // Only this client's number was beyond the end (a log lost before the room loaded it, or
                        // the client's mistake): the live connections saw nothing that was lost, and the page
                        // tells this client of the new epoch.
                        services.RoomLog.EpochRenewedByResume(gameId, afterSeq, state.LatestSeq);
                        _epoch = state.Epoch;
                        _afterSeqMayRenew = false;
                        _unsureAfter = 0;
                    }
                }
            }
            if (!more && _members.Contains(member))
            {
                lock (_relaysLock)
                {
                    if (_lastSeq != relayedBefore && _lastSeq > state.LatestSeq)
                    {
                        more = true;
                    }
                    else if (!_live.Exists(live => live.Member == member))
                    {
                        _live.Add(new LiveMember(member, state.LatestSeq));
                    }
                }
            }
            var page = new LogPage(state.LatestSeq, state.Epoch, messages.Select(m => m.Envelope).ToList(), more);
            services.Metrics.Resumed(services.Time.GetElapsedTime(started));
            return page;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends the game (by its host, its rules or the idle sweep); returns the number of game.ended.</summary>
    public async Task<long> EndAsync(int? bySeat, string reason)
    {
        await _gate.WaitAsync();
        try
        {
            return await EndLockedAsync(bySeat, reason);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends the game if nobody is connected (the idle sweep), and lets the room go.</summary>
    public async Task<bool> EndIfIdleAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_members.Count > 0 || _closed)
            {
                return false;
            }
            await CatchUpAsync();
            _closed = true;
            services.Rooms.Remove(this);
            if (_ended)
            {
                await services.Log.ForgetLiveAsync(gameId);
                return false;
            }
            await EndLockedAsync(null, "idle");
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The server is stopping: every connection is told to come back after a random delay. Completes when the
    /// requests are written.
    /// </summary>
    public async Task SendReconnectAsync()
    {
        Task[] written;
        await _gate.WaitAsync();
        try
        {
            written = _members.Select(m => m.Reconnect(Random.Shared.Next(services.Options.ReconnectJitterMs + 1))).ToArray();
        }
        finally
        {
            _gate.Release();
        }
        await Task.WhenAll(written);
    }

    private async Task<long> EndLockedAsync(int? bySeat, string reason)
    {
        await CatchUpAsync();
        if (_ended)
        {
            throw ChannelException.GameEnded(gameId);
        }
        var seq = await IssueSystem("game.ended", Json(new EndedBy(reason, bySeat)));
        _ended = true;
        await services.Ending.EndedAsync(gameId, reason, seq);
        return seq;
    }

    /// <summary>
    /// What a join, or a leave that is not the last, waits for of its own system message. Without rules, only
    /// its place in the order, taken as it is issued: the game's lock need not be held over a round trip to
    /// Redis, and a resume that follows finds the message in its page or live, or is sent for one more page
    /// (ResumeAsync). With rules, until it is relayed, as sends do: the rules judge the next move by what the
    /// room has seen. If it is never logged (Redis went away), the connection is dropped, as a join that failed
    /// would be, and the client reconnects; for a leave the connection is already gone.
    /// </summary>
    private Task Placed(Task<long> issued, IMember member)
    {
        if (_rules is not null)
        {
            return issued;
        }
        _ = issued.ContinueWith(static (_, joined) => ((IMember)joined!).Drop("the game log cannot be reached"), member,
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <summary>Issues one of the server's own messages (presence, follow-ups, the end) under the lock held by the caller.</summary>
    private Task<long> IssueSystem(string type, JsonElement body) =>
        Issue(null, Envelopes.Tail(null, type, body, services.Time.GetUtcNow().ToUnixTimeMilliseconds(), null, null), null, null);

    /// <summary>
    /// Issues an append under the lock (held by the caller): its place in the game's order is taken now. The
    /// task completes with its number once Redis has logged it and it is relayed, after everything issued before.
    /// </summary>
    private Task<long> Issue(int? fromSeat, string tail, int? to, string? clientIdKey)
    {
        var from = fromSeat?.ToString(CultureInfo.InvariantCulture) ?? Envelopes.System;
        var now = services.Time.GetUtcNow().ToUnixTimeMilliseconds();
        // The idle sweep counts in minutes: the game's last activity is written now and then, not per message.
        var markLive = now - _markedLiveAtMs >= MarkLiveEveryMs || now < _markedLiveAtMs;
        if (markLive)
        {
            _markedLiveAtMs = now;
        }
        var relay = new PendingRelay(this, tail, from, to, services.Time.GetTimestamp());
        LogKnown known;
        lock (_relaysLock)
        {
            _relays.Enqueue(relay);
            known = new LogKnown(_lastSeq, _epoch);
        }
        services.Log.AppendAsync(gameId, clientIdKey, tail, from, to, now, markLive, known)
            .ContinueWith(static (append, state) => ((PendingRelay)state!).Appended(append), relay, TaskContinuationOptions.ExecuteSynchronously);
        return relay.Done.Task;
    }

    /// <summary>Relays, in issue order, every append at the front of the queue that Redis has answered.</summary>
    private void RelayCompleted()
    {
        lock (_relaysLock)
        {
            while (_relays.TryPeek(out var relay) && relay.Append is { } append)
            {
                _relays.Dequeue();
                services.Metrics.Appended(services.Time.GetElapsedTime(relay.IssuedAt));
                if (!append.IsCompletedSuccessfully)
                {
                    // Redis may have logged it all the same (its answer timed out, the connection broke): relayed
                    // past it, the live connections would never see it, and a retry finds it logged and relays
                    // nothing. They resume from their last number instead, and read the log as it is; so does the
                    // room, before it next judges a move or ends the game (CatchUpAsync). All of it before the
                    // sender hears of the failure, which it may retry at once.
                    services.RoomLog.RelayFailed(gameId, append.Exception?.InnerException);
                    DropLive("the game log cannot be reached");
                    if (_unsureAfter < 0)
                    {
                        _unsureAfter = _lastSeq;
                    }
                    relay.Done.TrySetException(append.Exception?.InnerExceptions ?? [new TaskCanceledException()]);
                    continue;
                }
                relay.Done.TrySetResult(Relay(relay, append.Result));
            }
        }
    }

    /// <summary>Hands a logged message to every live connection that may see it (under the relay lock).</summary>
    private long Relay(PendingRelay relay, AppendResult appended)
    {
        if (appended.Duplicate)
        {
            return appended.Seq;
        }
        if (appended.NewEpoch is { } epoch && epoch != _epoch)
        {
            ResetAfterLostLog(epoch, "an append");
        }
        else if (appended.Seq <= _lastSeq)
        {
            // Shorter in an epoch the room did not know: the next page tells it which.
            ResetAfterLostLog(null, "an append");
        }
        _lastSeq = appended.Seq;
        var message = new LoggedMessage(appended.Seq, relay.Tail, relay.From, relay.To);
        if (_rules is not null)
        {
            Observe(_rules, _seatLog, message);
        }
        var envelope = message.Envelope;
        for (var i = _live.Count - 1; i >= 0; i--)
        {
            var (member, after) = _live[i];
            if (appended.Seq <= after || !message.VisibleTo(member.Player.Seat))
            {
                continue;
            }
            if (member.TryDeliver(envelope))
            {
                services.Metrics.Delivered();
            }
            else
            {
                // It cannot keep up: drop it (it resumes later) rather than hold up the others.
                _live.RemoveAt(i);
                services.Metrics.DroppedSlow();
                services.RoomLog.DroppedSlow(gameId, member.Player.Seat);
                member.Drop("send queue full");
            }
        }
        return appended.Seq;
    }

    private readonly record struct LiveMember(IMember Member, long After);

    private sealed class PendingRelay(GameRoom room, string tail, string from, int? to, long issuedAt)
    {
        private Task<AppendResult>? _append;

        public string Tail => tail;

        public string From => from;

        public int? To => to;

        public long IssuedAt => issuedAt;

        /// <summary>Redis's answer, once it has come.</summary>
        public Task<AppendResult>? Append => Volatile.Read(ref _append);

        /// <summary>Completes, after the relay, with the number (or Redis's error).</summary>
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Appended(Task<AppendResult> append)
        {
            Volatile.Write(ref _append, append);
            room.RelayCompleted();
        }
    }

    /// <summary>
    /// The log came back shorter than what was relayed (Redis lost it, or its last writes) and goes on in a new
    /// epoch (under the relay lock). The live connections are dropped, so that each resumes and sees the new
    /// epoch; what the room knows of the log (the rules' state, whether the game ended) is read again from it
    /// before it is relied on (CatchUpAsync).
    /// </summary>
    private void ResetAfterLostLog(string? epoch, string noticedBy)
    {
        if (_epoch is null && epoch is not null)
        {
            // Only learning the epoch after a reset that did not say it.
            _epoch = epoch;
            return;
        }
        services.Metrics.LogReset();
        services.RoomLog.LogReset(gameId, _lastSeq, noticedBy);
        DropLive("log reset");
        _epoch = epoch;
        _afterSeqMayRenew = false;
        _ended = false;
        _unsureAfter = 0;
    }

    /// <summary>Drops every live connection (under the relay lock): each resumes from its last number.</summary>
    private void DropLive(string reason)
    {
        foreach (var (member, _) in _live)
        {
            member.Drop(reason);
        }
        _live.Clear();
    }

    /// <summary>Hands a logged message to the rules and the seats, if kept; returns its reason if it is game.ended.</summary>
    private static string? Observe(IRulesState? rules, SeatLog? seats, LoggedMessage message)
    {
        using var envelope = JsonDocument.Parse(message.Envelope.Utf8);
        var root = envelope.RootElement;
        int? from = root.GetProperty("from").ValueKind == JsonValueKind.Number ? root.GetProperty("from").GetInt32() : null;
        var type = root.GetProperty("type").GetString()!;
        var body = root.GetProperty("body");
        rules?.Observe(from, type, body);
        seats?.Observe(type, body, root.GetProperty("ts").GetInt64());
        // Only the server's own messages have types starting with "game.".
        if (type != "game.ended")
        {
            return null;
        }
        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "";
    }
}
