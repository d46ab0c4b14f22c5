using System.Net;
using System.Text.RegularExpressions;
using Hangfire;
using Platform.TestSupport;

namespace Platform.Jobs.Tests;

public partial class RetryTests
{
    [Fact]
    public async Task AJobThatKeepsFailingIsTriedAgainThenStaysFailedUntilRetriedFromTheDashboard()
    {
        var (redis, jobs) = await Workers.OwnDatabaseAsync();
        await using var _ = jobs;
        await using var worker = Workers.StartMigrator(redis, new()
        {
            ["PLATFORM_JOBS__RETRYATTEMPTS"] = "2",
            ["PLATFORM_JOBS__RETRYDELAYSSECONDS"] = "1",
            ["PLATFORM_JOBS__SCHEDULEPOLLINGSECONDS"] = "1",
        });

        // A call that always throws, from the base library: the worker needs no code of the test's to run it.
        var id = jobs.Client.Enqueue(JobQueues.Migrate, () => Guid.Parse("not a guid"));
        await jobs.WaitForStateAsync(id, "Failed", TimeSpan.FromSeconds(90));

        var history = jobs.History(id);
        history.Count(h => h.StateName == "Processing").ShouldBe(3, "the first try and the two retries of the settings");
        history.Count(h => h.StateName == "Scheduled").ShouldBe(2, "each retry waited its delay");
        jobs.Monitoring.JobDetails(id).Properties["RetryCount"].ShouldBe("2");
        var failed = jobs.Monitoring.FailedJobs(0, 100).ShouldHaveSingleItem();
        failed.Key.ShouldBe(id, "listed with the failed jobs, where the dashboard shows it");
        failed.Value.ExceptionType.ShouldBe(typeof(FormatException).FullName);

        // The dashboard's Requeue button, with the antiforgery token its page carries.
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new() }) { BaseAddress = worker.BaseAddress, Timeout = TaskTimeouts.Default };
        var page = await http.GetStringAsync($"hangfire/jobs/details/{id}");
        var requeue = new HttpRequestMessage(HttpMethod.Post, $"hangfire/jobs/actions/requeue/{id}");
        (await http.SendAsync(requeue)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "a POST without the page's token, as another site's page would send");
        requeue = new HttpRequestMessage(HttpMethod.Post, $"hangfire/jobs/actions/requeue/{id}");
        requeue.Headers.Add(Meta(page, "csrf-header"), Meta(page, "csrf-token"));
        (await http.SendAsync(requeue)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await Eventually.ForAsync(() => jobs.History(id).Count(h => h.StateName == "Processing") == 4 && jobs.State(id) == "Failed" ? "again" : null,
            TimeSpan.FromSeconds(30), "the requeued job to run once more and, its retries used up, fail at once");
    }

    private static string Meta(string page, string name) =>
        MetaTag().Matches(page).FirstOrDefault(m => m.Groups["name"].Value == name)?.Groups["content"].Value
            ?? throw new InvalidOperationException($"no <meta name=\"{name}\"> in the dashboard page");

    [GeneratedRegex("<meta name=\"(?<name>[^\"]+)\" content=\"(?<content>[^\"]*)\"")]
    private static partial Regex MetaTag();
}
