using System.Globalization;
using System.Text.Json;
using Platform.Games;
using Platform.Redis;

namespace GameChannels.Core;

/// <summary>One append on its way to the log: what <see cref="RelayPipeline"/> hands to Redis.</summary>
public delegate Task<AppendResult> AppendToLog(string? clientIdKey, string tail, string from, int? to, long nowMs, bool markLive, LogKnown known);

/// <summary>
/// One game's order of relays. Appends are issued in order (by a caller holding the game's lock) and relayed to
/// the live connections in that same order once Redis has answered each, after everything issued before it, so
/// every connection receives the game's messages in number order and only once they are in the log. Its own
/// lock, never held over a round trip to Redis, so that Redis's answers need not wait for the game's lock.
/// It also keeps what it learnt of the log while relaying: the last number, the epoch, and since when it is
/// unsure of the log (an append that failed may have been logged all the same).
/// </summary>
public sealed partial class RelayPipeline(string gameId, AppendToLog append, RoomServices services)
{
    /// <summary>How often a busy game's last activity is written for the idle sweep.</summary>
    private const long MarkLiveEveryMs = 10_000;

    private readonly Lock _lock = new();
    // Issued appends, in issue order, waiting for Redis; relayed from the front as they complete.
    private readonly Queue<PendingRelay> _relays = new();
    // The connections relayed every new message, each with the number up to which its resume page had them.
    private readonly List<LiveMember> _live = [];
    private long _markedLiveAtMs = long.MinValue / 2;
    private long _lastSeq;
    // The log's epoch as last read (null: not known since a log was lost), and whether a client's afterSeq beyond
    // the log's end may still start a new epoch: once per room, so that the clients of the old epoch, resuming
    // one by one, do not start one each.
    private string? _epoch;
    private bool _afterSeqMayRenew = true;
    // The last number the room is sure of since an append failed or the log was found shorter; -1 when sure.
    private long _unsureAfter = -1;
    private RoomRules? _rules;

    /// <summary>The last number relayed or read.</summary>
    public long LastSeq
    {
        get
        {
            lock (_lock)
            {
                return _lastSeq;
            }
        }
    }

    /// <summary>
    /// Past this number the room's knowledge of the log (the rules' state, whether the game ended) is to be read
    /// again before it is relied on (0: all of it); -1 when there is nothing to read again.
    /// </summary>
    public long UnsureAfter => Volatile.Read(ref _unsureAfter);

    /// <summary>The title's rules, which see every relayed message; null for a title without rules.</summary>
    public RoomRules? Rules => Volatile.Read(ref _rules);

    /// <summary>Reads what the rules keep under the lock, where relays change it.</summary>
    public T WithRules<T>(Func<RoomRules?, T> read)
    {
        lock (_lock)
        {
            return read(_rules);
        }
    }

    /// <summary>What a room loaded from the log: its last number and epoch, and the number past which it is unsure.</summary>
    public void Loaded(long lastSeq, string epoch, long unsureAfter)
    {
        lock (_lock)
        {
            _lastSeq = lastSeq;
            _epoch = epoch;
            _unsureAfter = unsureAfter;
        }
    }

    /// <summary>The room has read the log again (with the rules' fresh state, for a title with rules).</summary>
    public void CaughtUp(RoomRules? rules)
    {
        lock (_lock)
        {
            if (rules is not null)
            {
                _rules = rules;
            }
            _unsureAfter = -1;
        }
    }

    /// <summary>
    /// Issues an append, under the game's lock held by the caller: its place in the game's order is taken now.
    /// The task completes with its number once Redis has logged it and it is relayed, after everything issued
    /// before it. <paramref name="type"/> and <paramref name="body"/> are what the rules observe once it is
    /// logged; the body is read only while the caller awaits the task, which titles with rules do.
    /// </summary>
    public Task<long> Issue(int? fromSeat, string tail, int? to, string? clientIdKey, string type, JsonElement body)
    {
        var from = fromSeat?.ToString(CultureInfo.InvariantCulture) ?? Envelopes.System;
        var now = services.Time.GetUtcNow().ToUnixTimeMilliseconds();
        // The idle sweep counts in minutes: the game's last activity is written now and then, not per message.
        var markLive = now - _markedLiveAtMs >= MarkLiveEveryMs || now < _markedLiveAtMs;
        if (markLive)
        {
            _markedLiveAtMs = now;
        }
        var relay = new PendingRelay(this, tail, fromSeat, from, to, type, body, now, services.Time.GetTimestamp());
        LogKnown known;
        lock (_lock)
        {
            _relays.Enqueue(relay);
            known = new LogKnown(_lastSeq, _epoch);
        }
        append(clientIdKey, tail, from, to, now, markLive, known)
            .ContinueWith(static (append, state) => ((PendingRelay)state!).Appended(append), relay, TaskContinuationOptions.ExecuteSynchronously);
        return relay.Done.Task;
    }

    /// <summary>Before a resume's page is read: the last number relayed, and what the page's read knows of the log.</summary>
    public (long RelayedBefore, LogKnown Known) BeforePage(long afterSeq)
    {
        lock (_lock)
        {
            // A log shorter than what was relayed, or than a client has seen, goes on in a new epoch.
            return (_lastSeq, new LogKnown(Math.Max(_lastSeq, _afterSeqMayRenew ? afterSeq : 0), _epoch));
        }
    }

    /// <summary>
    /// After a resume's page is read: a new epoch it found is taken in, and on the last page the member goes live
    /// unless a relay beyond the page went out meanwhile (then it is sent for another page: More is true).
    /// </summary>
    public bool AfterPage(IMember member, long afterSeq, GameLogState state, long relayedBefore, bool more, bool goLive)
    {
        lock (_lock)
        {
            if (state.Epoch != _epoch)
            {
                // Compared with what was relayed before the page was read: appends issued earlier may have reached
                // Redis after the read and been relayed since, above the page's end but in the log all the same.
                if (relayedBefore > state.LatestSeq)
                {
                    // The room relayed what the log no longer has: its live connections saw it too.
                    ResetAfterLostLog(state.Epoch, "a resume");
                    if (_lastSeq == relayedBefore)
                    {
                        _lastSeq = state.LatestSeq;
                    }
                }
                else
                {
                    // Only this client's number was beyond the end (a log lost before the room loaded it, or the
                    // client's mistake): the live connections saw nothing that was lost, and the page tells this
                    // client of the new epoch.
                    services.RoomLog.EpochRenewedByResume(gameId, afterSeq, state.LatestSeq);
                    _epoch = state.Epoch;
                    _afterSeqMayRenew = false;
                    _unsureAfter = 0;
                }
            }
            if (more || !goLive)
            {
                return more;
            }
            if (_lastSeq != relayedBefore && _lastSeq > state.LatestSeq)
            {
                return true;
            }
            if (!_live.Exists(live => live.Member == member))
            {
                _live.Add(new LiveMember(member, state.LatestSeq));
            }
            return false;
        }
    }

    /// <summary>The member is relayed nothing more.</summary>
    public void Remove(IMember member)
    {
        lock (_lock)
        {
            _live.RemoveAll(live => live.Member == member);
        }
    }

    /// <summary>Relays, in issue order, every append at the front of the queue that Redis has answered.</summary>
    private void RelayCompleted()
    {
        lock (_lock)
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
                    // room, before it next judges a move or ends the game. All of it before the sender hears of
                    // the failure, which it may retry at once.
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

    /// <summary>Hands a logged message to every live connection that may see it (under the lock).</summary>
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
        _rules?.Observe(relay.FromSeat, relay.Type, relay.Body, relay.NowMs);
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

    /// <summary>
    /// The log came back shorter than what was relayed (Redis lost it, or its last writes) and goes on in a new
    /// epoch (under the lock). The live connections are dropped, so that each resumes and sees the new epoch;
    /// what the room knows of the log is read again from it before it is relied on.
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
        _unsureAfter = 0;
    }

    /// <summary>Drops every live connection (under the lock): each resumes from its last number.</summary>
    private void DropLive(string reason)
    {
        foreach (var (member, _) in _live)
        {
            member.Drop(reason);
        }
        _live.Clear();
    }
}
