namespace Platform.TestSupport;

/// <summary>
/// Waits for a condition, not for the clock: polls until it holds or the time is up, and then fails with the
/// reason given, so that a test on a busy machine waits as long as it must and no longer.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition().WaitAsync(timeout))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0.#} s for: {because}");
            }
            await Task.Delay(Poll);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string because) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, because);
}
