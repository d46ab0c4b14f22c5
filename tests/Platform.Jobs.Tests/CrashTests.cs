using Hangfire;
using Platform.TestSupport;

namespace Platform.Jobs.Tests;

public class CrashTests
{
    [Fact]
    public async Task TheJobOfAWorkerKilledMidJobRunsAgainInTheNextWorker()
    {
        var (redis, jobs) = await Workers.OwnDatabaseAsync();
        await using var _ = jobs;
        // A short invisibility timeout, so that the test does not wait the production two minutes.
        var settings = new Dictionary<string, string?> { ["PLATFORM_JOBS__INVISIBILITYTIMEOUTSECONDS"] = "2" };
        var first = Workers.StartMigrator(redis, settings);
        await using var firstProcess = first;

        // A slow job from the base library, so that the worker runs no code of the test's.
        var id = jobs.Client.Enqueue(JobQueues.Migrate, () => Task.Delay(TimeSpan.FromSeconds(5)));
        await jobs.WaitForStateAsync(id, "Processing", TimeSpan.FromSeconds(60));
        first.KillHard();
        var killedAt = DateTime.UtcNow;

        // A new worker checks for abandoned jobs as it starts, then once a minute: start it once the job's
        // invisibility has run out, so that its first check hands the job back.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var second = Workers.StartMigrator(redis, settings);
        await jobs.WaitForStateAsync(id, "Succeeded", TimeSpan.FromSeconds(90));

        var runs = jobs.History(id).Where(h => h.StateName == "Processing").ToList();
        runs.Count.ShouldBe(2, "the killed run and the run again");
        runs[1].Data["ServerId"].ShouldNotBe(runs[0].Data["ServerId"], "the second run is the new process's");
        runs[1].CreatedAt.ShouldBeGreaterThan(killedAt);
        second.HasExited.ShouldBeFalse(second.Describe());
    }
}
