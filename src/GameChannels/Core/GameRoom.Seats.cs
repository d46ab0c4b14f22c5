using Platform.Games;

namespace GameChannels.Core;

/// <summary>
/// Seats left for good, for titles whose rules keep seats (tic-tac-toe): a seat with no connection for
/// Channels:SeatGraceSeconds is left (player.left), then the rules say what follows (the host's ends the game,
/// another resets the board and frees the seat for a new player). The time away counts from the seat's last
/// player.disconnected in the log, so it survives the room being let go and loaded again.
/// </summary>
public sealed partial class GameRoom
{
    // The absent seats' grace timers, under the game's lock.
    private readonly Dictionary<int, ITimer> _graceTimers = [];

    private sealed record SeatLeftBody(int Seat, string Name, string Reason);

    /// <summary>Refuses a token for a seat that its player left for good (under the lock): the seat may be someone else's now.</summary>
    private async Task CheckSeatHeldAsync(IMember member)
    {
        var seat = member.Player.Seat;
        var everLeft = _relays.WithRules(rules => rules?.Seats.EverLeft.Contains(seat) == true);
        // Only a seat once left needs the archive: every other token's seat is its own.
        if (!everLeft)
        {
            return;
        }
        bool holds;
        try
        {
            holds = await _services.Store.HoldsSeatAsync(_gameId, seat, member.Player.PlayerId, CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException)
        {
            throw new ChannelException(ErrorCodes.Unavailable, "the archive cannot be reached right now; reconnect shortly");
        }
        if (!holds)
        {
            throw ChannelException.PlayerLeft(_gameId);
        }
    }

    /// <summary>
    /// Starts the grace period of every taken seat without a connection, and stops that of every seat with one
    /// (under the lock, after a join or a leave).
    /// </summary>
    private void WatchSeats()
    {
        if (_relays.Rules is null || _ended || _closed)
        {
            StopWatchingSeats();
            return;
        }
        var now = _services.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var absent = _relays.WithRules(rules => rules?.Seats.Names.Keys.Where(seat => !_members.Any(m => m.Player.Seat == seat))
            .ToDictionary(seat => seat, seat => rules.Seats.AwaySinceMs.GetValueOrDefault(seat, now)) ?? []);
        foreach (var seat in _graceTimers.Keys.Where(seat => !absent.ContainsKey(seat)).ToList())
        {
            _graceTimers.Remove(seat, out var timer);
            timer!.Dispose();
        }
        var grace = _services.Options.SeatGraceSeconds * 1000L;
        foreach (var (seat, since) in absent)
        {
            if (!_graceTimers.ContainsKey(seat))
            {
                var due = TimeSpan.FromMilliseconds(Math.Clamp(since + grace - now, 0, grace));
                _graceTimers[seat] = _services.Time.CreateTimer(
                    static state => { var (room, seat) = ((GameRoom, int))state!; _ = room.SeatAwayAsync(seat); },
                    (this, seat), due, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>The room is let go or the game ended (under the lock): no seat is left from now on.</summary>
    private void StopWatchingSeats()
    {
        foreach (var timer in _graceTimers.Values)
        {
            timer.Dispose();
        }
        _graceTimers.Clear();
    }

    /// <summary>A seat's grace ran out: it is left for good, if it still has no connection.</summary>
    private async Task SeatAwayAsync(int seat)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_graceTimers.Remove(seat, out var timer))
            {
                return; // its player came back meanwhile, or the room was let go
            }
            timer.Dispose();
            if (_closed || _relays.Rules is not { } rules || _members.Any(m => m.Player.Seat == seat))
            {
                return;
            }
            await CatchUpAsync();
            var name = _relays.WithRules(r => r?.Seats.Names.GetValueOrDefault(seat));
            if (_ended || name is null || rules.Rules.SeatLeft(seat) is not { } verdict)
            {
                return;
            }
            if (!verdict.EndsGame)
            {
                // Freed first, so that whoever reads player.left finds the seat free; Web seats the next player in
                // it, and the old player id no longer holds it.
                await _services.Store.FreeSeatAsync(_gameId, seat, CancellationToken.None);
            }
            await IssueSystem("player.left", Json(new SeatLeftBody(seat, name, "away")));
            foreach (var followUp in verdict.FollowUps)
            {
                await IssueSystem(followUp.Type, followUp.Body);
            }
            if (verdict.EndsGame)
            {
                await EndLockedAsync(null, verdict.EndReason);
                StopWatchingSeats();
                return;
            }
            // The next connection to the seat is a new player's: it is announced (player.joined) again.
            await _services.Presence.ForgetSeatAsync(_gameId, seat);
            _services.RoomLog.SeatLeft(_gameId, seat);
        }
        catch (Exception e)
        {
            // Redis or the archive out of reach: the seat stays taken until its player comes back or the next leave.
            _services.RoomLog.SeatLeaveFailed(_gameId, seat, e);
        }
        finally
        {
            await ReleaseAsync();
        }
    }
}
