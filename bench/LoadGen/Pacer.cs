using System.Diagnostics;

namespace LoadGen;

/// <summary>
/// Sends every player's messages at its turns from one loop that wakes each millisecond. A delay per player
/// and turn put ten thousand timers in the runtime's timer queue, which walks them all whenever one fires:
/// 6% of the generator's CPU, on the cores it shares with the server it measures (docs/benchmark.md).
/// Turns are jittered as before: the first within one interval of the start, then 0.5 to 1.5 intervals apart.
/// A message's time is taken as it is written, so a turn a millisecond late adds nothing to its latency.
/// </summary>
internal sealed class Pacer(CancellationToken cancellationToken)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private readonly Lock _gate = new();
    private readonly PriorityQueue<Turns, long> _due = new();
    private readonly List<(Turns Turns, bool Last)> _now = [];
    private bool _running;

    /// <summary>The players of one <see cref="SendAsync"/>: done when each has made its last turn's send.</summary>
    private sealed class Run(int players, long until)
    {
        public readonly long Until = until;
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _left = players;

        public void Finished()
        {
            if (Interlocked.Decrement(ref _left) == 0)
            {
                Done.TrySetResult();
            }
        }
    }

    /// <summary>One player's turns: every <see cref="Interval"/> ticks on average, until its run's end.</summary>
    private sealed record Turns(Player Player, long Interval, Run Run);

    /// <summary>
    /// Sends <paramref name="players"/>' messages at <paramref name="rate"/> a second each until
    /// <paramref name="until"/> (a Stopwatch timestamp). Completes at that time (deliveries per second are
    /// counted over the time asked for, not up to the last turn), and not before every last send is made, so
    /// that what follows (a drain, the game's end) counts every message.
    /// </summary>
    public async Task SendAsync(IReadOnlyCollection<Player> players, double rate, int size, long until)
    {
        var interval = (long)(Stopwatch.Frequency / rate);
        var now = Stopwatch.GetTimestamp();
        var run = new Run(players.Count, until);
        if (players.Count == 0)
        {
            run.Done.TrySetResult();
        }
        lock (_gate)
        {
            foreach (var player in players)
            {
                player.PrepareSending(size);
                _due.Enqueue(new Turns(player, interval, run), now + (long)(interval * Random.Shared.NextDouble()));
            }
            if (!_running)
            {
                _running = true;
                _ = Task.Run(LoopAsync, CancellationToken.None);
            }
        }
        var left = Stopwatch.GetElapsedTime(now, until);
        await Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
        await run.Done.Task;
    }

    /// <summary>Until no turn is left (each ends at its run's end) or the run is cancelled.</summary>
    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                lock (_gate)
                {
                    while (_due.TryPeek(out var turns, out var at) && at <= now)
                    {
                        _due.Dequeue();
                        if (at >= turns.Run.Until || turns.Player.SendFailed)
                        {
                            turns.Run.Finished();
                            continue;
                        }
                        var next = at + (long)(turns.Interval * (0.5 + Random.Shared.NextDouble()));
                        var last = next >= turns.Run.Until;
                        if (!last)
                        {
                            _due.Enqueue(turns, next);
                        }
                        _now.Add((turns, last));
                    }
                    if (_due.Count == 0 && _now.Count == 0)
                    {
                        _running = false;
                        return;
                    }
                }
                // Outside the lock: a send that has to wait for its socket does not hold up the others' turns.
                foreach (var (turns, last) in _now)
                {
                    _ = last ? SendLastAsync(turns) : turns.Player.SendNextAsync(cancellationToken);
                }
                _now.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                while (_due.TryDequeue(out var turns, out _))
                {
                    turns.Run.Done.TrySetCanceled(cancellationToken);
                }
                _running = false;
            }
        }
    }

    private async Task SendLastAsync(Turns turns)
    {
        await turns.Player.SendNextAsync(cancellationToken);
        turns.Run.Finished();
    }
}
