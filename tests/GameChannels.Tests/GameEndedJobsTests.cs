using GameChannels.Core;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Jobs.Contracts;
using Platform.TestSupport;

namespace GameChannels.Tests;

public class GameEndedJobsTests
{
    [Fact]
    public async Task AnEnqueueThatFailsIsTriedAgainUntilBothJobsAreIn()
    {
        // Redis down, as the client sees it (a test must not stop the run's Redis, so the fault is faked), right
        // after the migrate job got in: the stats job's first two tries fail.
        var client = new FlakyClient(failingAttempts: [2, 3]);
        using var jobs = new GameEndedJobs(client, TimeProvider.System, NullLogger<GameEndedJobs>.Instance);
        await jobs.StartAsync(CancellationToken.None).DefaultTimeout();

        var ended = new GameEnded("G1", "host", 5, DateTimeOffset.UtcNow);
        jobs.Post(ended);

        var created = await Eventually.ForAsync(() => client.Created.Count >= 2 ? client.Created.ToList() : null,
            TimeSpan.FromSeconds(10), "both jobs to be enqueued after two failures");
        created.Select(j => j.Type).ShouldBe([typeof(IArchiveGameJob), typeof(IGameStatsJob)], "each once, the migrator's not again when the stats one failed");
        created.ShouldAllBe(j => Equals(j.Args[0], ended));
        client.Attempts.ShouldBe(4);
        await jobs.StopAsync(CancellationToken.None).DefaultTimeout();
    }

    private sealed class FlakyClient(int[] failingAttempts) : IBackgroundJobClient
    {
        private int _attempts;

        public List<Job> Created { get; } = [];

        public int Attempts => _attempts;

        public string Create(Job job, IState state)
        {
            if (failingAttempts.Contains(Interlocked.Increment(ref _attempts)))
            {
                throw new BackgroundJobClientException("Redis is down", new TimeoutException());
            }
            lock (Created)
            {
                Created.Add(job);
            }
            return Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => throw new NotSupportedException();
    }
}
