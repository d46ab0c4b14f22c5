using System.Threading.Channels;
using Hangfire;
using Platform.Jobs.Contracts;

namespace GameChannels.Core;

/// <summary>
/// Hands each ended game to the workers that follow (MessageMigrator archives it, Stats counts it) as Hangfire
/// jobs. This process only enqueues: it runs no Hangfire server. A game's end is queued here in memory and
/// enqueued by one background loop, so neither the game's lock nor any relay waits for Redis.
/// </summary>
/// <remarks>
/// A game whose job is never enqueued (the queue full, the process stopped first, Redis down until then) has
/// game.ended in its log and its status ended: MessageMigrator's recurring sweep (issue 15, the archive) finds it.
/// </remarks>
public sealed class GameEndedJobs(IBackgroundJobClient jobs, TimeProvider time, ILogger<GameEndedJobs> logger) : BackgroundService
{
    /// <summary>
    /// Game ends waiting to be enqueued: minutes of ends at any rate a host sees, about 100 bytes each, so a
    /// Redis outage of that long costs no job.
    /// </summary>
    public const int Capacity = 10_000;

    /// <summary>The longest wait between two tries of a failed enqueue.</summary>
    public static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstBackOff = TimeSpan.FromMilliseconds(500);

    // Full mode Wait, written only with TryWrite: when full, the newest end is refused at once (nobody waits) and
    // logged, rather than one silently dropped (the Drop modes report success for an item they discard).
    private readonly Channel<GameEnded> _pending = Channel.CreateBounded<GameEnded>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Queues the jobs of one ended game; returns at once.</summary>
    public void Post(GameEnded game)
    {
        if (!_pending.Writer.TryWrite(game))
        {
            logger.QueueFull(game.GameId, Capacity);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var game in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            // One job per worker, each tried until it is in: a retry never enqueues the other twice.
            await EnqueueAsync(game, () => jobs.Enqueue<IArchiveGameJob>(j => j.GameEndedAsync(game, CancellationToken.None)), stoppingToken);
            await EnqueueAsync(game, () => jobs.Enqueue<IGameStatsJob>(j => j.GameEndedAsync(game, CancellationToken.None)), stoppingToken);
        }
    }

    /// <summary>
    /// Hangfire's client is synchronous: this loop blocks a pool thread for one enqueue at a time, never a game.
    /// While Redis is down it tries again, half a second then twice as long each time, up to <see cref="MaxBackOff"/>.
    /// </summary>
    private async Task EnqueueAsync(GameEnded game, Func<string> enqueue, CancellationToken stoppingToken)
    {
        var backOff = FirstBackOff;
        while (true)
        {
            try
            {
                enqueue();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.EnqueueFailed(game.GameId, backOff.TotalSeconds, e.Message);
            }
            await Task.Delay(backOff, time, stoppingToken);
            backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, MaxBackOff.Ticks));
        }
    }
}
