using System.Text.Json;
using Platform.Games;
using Platform.Redis;

namespace GameChannels.Core;

/// <summary>A game's end, and what the room reads again from the log: at load, and after it was unsure of it.</summary>
public sealed partial class GameRoom
{
    // A game.ended in the log whose other half (the status, the archive, the job) is still to be done; set under
    // the lock, done after it by whoever releases it (ReleaseAsync), so that no game's lock waits for the archive.
    private EndToFinish? _endToFinish;

    private sealed record EndToFinish(string Reason, long Seq);

    /// <summary>Reads the game's state from the log: whether it has ended, and the rules' state.</summary>
    internal async Task LoadAsync()
    {
        var state = await _services.Log.StateAsync(_gameId);
        _ended = state.Status == GameStatus.Ended;
        // A game.ended logged just before a server stopped (or whose answer was lost) may have no status yet:
        // the last message is read before a send or an end relies on the game being open. Titles with rules
        // read the whole log, for the rules' state.
        var unsureAfter = _services.Rules.ContainsKey(_title.Id) ? 0 : !_ended && state.LatestSeq > 0 ? state.LatestSeq - 1 : -1;
        _relays.Loaded(state.LatestSeq, state.Epoch, unsureAfter);
        if (unsureAfter == 0)
        {
            await CatchUpAsync();
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
            await ReleaseAsync();
        }
    }

    /// <summary>A player ends the game: only the host (seat 1) may.</summary>
    public Task<long> EndByPlayerAsync(IMember member) =>
        member.Player.Seat == 1 ? EndAsync(1, "host") : throw ChannelException.NotHost();

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
            _host.Closed(this);
            if (_ended)
            {
                await _services.Log.ForgetLiveAsync(_gameId);
                return false;
            }
            await EndLockedAsync(null, "idle");
            return true;
        }
        finally
        {
            await ReleaseAsync();
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
            written = _members.Select(m => m.Reconnect(Random.Shared.Next(_services.Options.ReconnectJitterMs + 1))).ToArray();
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
            throw ChannelException.GameEnded(_gameId);
        }
        var seq = await IssueSystem("game.ended", Json(new EndedBy(reason, bySeat)));
        Ended(reason, seq);
        return seq;
    }

    /// <summary>Marks the game ended (under the lock); the rest of the end is done once the lock is released.</summary>
    private void Ended(string reason, long seq)
    {
        _ended = true;
        _endToFinish = new EndToFinish(reason, seq);
    }

    /// <summary>Releases the game's lock, then does the rest of an end that was logged under it.</summary>
    private async ValueTask ReleaseAsync()
    {
        var end = _endToFinish;
        _endToFinish = null;
        _gate.Release();
        if (end is not null)
        {
            await _services.Ending.EndedAsync(_gameId, end.Reason, end.Seq);
        }
    }

    /// <summary>
    /// After an append that failed, or a log found shorter (under the lock): Redis may have logged the append all
    /// the same, its answer lost to a timeout or a broken connection. The rules judge the next move by the moves
    /// before it, and a game.ended logged that way ended the game, so both are read again from the log before
    /// the room relies on them. While Redis cannot be read this fails, and the next caller tries again.
    /// </summary>
    private async Task CatchUpAsync()
    {
        var after = _relays.UnsureAfter;
        if (after < 0)
        {
            return;
        }
        // A title with rules reads the whole log, for the rules' fresh state.
        var rules = _services.NewRules(_gameId, _title.Id) is { } fresh ? new RoomRules(fresh) : null;
        var from = rules is null ? after : 0;
        (long Seq, string Reason)? ended = null;
        for (var more = true; more;)
        {
            (var messages, more) = await _services.Log.ReadAsync(_gameId, from, 1000, seat: null);
            foreach (var message in messages)
            {
                if (ObserveLogged(rules, message) is { } reason)
                {
                    ended = (message.Seq, reason);
                }
                from = message.Seq;
            }
        }
        // An append that fails meanwhile needs no second look: titles with rules await theirs under the lock, so
        // none is on its way now, and game.ended is always awaited under the lock.
        _relays.CaughtUp(rules);
        if (ended is { } end && !_ended)
        {
            Ended(end.Reason, end.Seq);
        }
        else if (after == 0 && ended is null)
        {
            // The whole log was read (a log found shorter may have lost its end): it says whether the game ended.
            _ended = false;
        }
    }

    /// <summary>Hands a message read from the log to the rules, if there are any; returns its reason if it is game.ended.</summary>
    private static string? ObserveLogged(RoomRules? rules, LoggedMessage message)
    {
        using var envelope = JsonDocument.Parse(message.Envelope.Utf8);
        var root = envelope.RootElement;
        var fromSeat = root.GetProperty("from");
        int? from = fromSeat.ValueKind == JsonValueKind.Number ? fromSeat.GetInt32() : null;
        var type = root.GetProperty("type").GetString()!;
        var body = root.GetProperty("body");
        rules?.Observe(from, type, body, root.GetProperty("ts").GetInt64());
        // Only the server's own messages have types starting with "game.".
        if (type != "game.ended")
        {
            return null;
        }
        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "";
    }
}
