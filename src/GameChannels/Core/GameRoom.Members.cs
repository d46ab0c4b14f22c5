namespace GameChannels.Core;

/// <summary>A game's connections: each joins, is announced, and leaves.</summary>
public sealed partial class GameRoom
{
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
            if (_members.Count >= _services.Options.MaxConnectionsPerGame)
            {
                throw ChannelException.Forbidden($"game {_gameId} has {_members.Count} connections, the most it may have");
            }
            // An ended game may still be looked at, and shows who is looking, but its log ends at game.ended.
            await CatchUpAsync();
            await CheckSeatHeldAsync(member);
            var seat = member.Player.Seat;
            if (await _services.Presence.ConnectedAsync(_gameId, seat, member.Player.Name) && !_ended)
            {
                await Placed(IssueSystem("player.joined", Json(new SeatName(seat, member.Player.Name))), member);
            }
            // Counted only once its presence is in Redis: a join that fails leaves nothing behind. (Its messages
            // need only their place; one that is never logged drops the connection, see Placed.)
            _members.Add(member);
            _services.Metrics.Connected(1);
            if (!_ended)
            {
                await Placed(IssueSystem("player.connected", Json(new SeatOnly(seat))), member);
            }
            WatchSeats();
            if (_host.Stopping())
            {
                // It arrived after the others were told to come back: so is it, or the server would wait for it.
                _ = member.Reconnect(Random.Shared.Next(_services.Options.ReconnectJitterMs + 1));
            }
            return true;
        }
        finally
        {
            await ReleaseAsync();
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
            _relays.Remove(member);
            _services.Metrics.Connected(-1);
            // Asked for under the lock, so it reaches Redis before a later join's (GamePresence keeps the order),
            // and waited for after it, so that the game's next join or resume does not wait for its answer.
            presence = _services.Presence.DisconnectedAsync(_gameId, member.Player.Seat);
            var disconnected = _ended ? Task.FromResult(_relays.LastSeq)
                : IssueSystem("player.disconnected", Json(new SeatReason(member.Player.Seat, reason)));
            if (_members.Count == 0)
            {
                // The last one out waits for the room's last message to be logged before the room goes, so that a
                // room opened next for this game loads a log that has it.
                await disconnected;
                _closed = true;
                _host.Closed(this);
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
            await ReleaseAsync();
        }
        await presence;
    }

    /// <summary>
    /// A transport's connection ends: it leaves (with the reason the server dropped it for, if it did), and its
    /// writer is let go even when the leave could not reach Redis, or it would wait on its queue for good.
    /// </summary>
    public async Task LeaveThenDisposeAsync(QueuedMember member, string reason)
    {
        try
        {
            await LeaveAsync(member, member.DropReason ?? reason);
        }
        finally
        {
            await member.DisposeAsync();
        }
    }

    /// <summary>
    /// What a join, or a leave that is not the last, waits for of its own system message. Without rules, only
    /// its place in the order, taken as it is issued: the game's lock need not be held over a round trip to
    /// Redis, and a resume that follows finds the message in its page or live, or is sent for one more page.
    /// With rules, until it is relayed, as sends do: the rules judge the next move by what the room has seen.
    /// If it is never logged (Redis went away), the connection is dropped, as a join that failed would be, and
    /// the client reconnects; for a leave the connection is already gone.
    /// </summary>
    private Task Placed(Task<long> issued, IMember member)
    {
        if (_relays.Rules is not null)
        {
            return issued;
        }
        _ = issued.ContinueWith(static (_, joined) => ((IMember)joined!).Drop("the game log cannot be reached"), member,
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }
}
