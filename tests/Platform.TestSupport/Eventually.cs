namespace Platform.TestSupport;

/// <summary>
/// Waits for a condition, not for the clock: polls until it holds or the time is up, and then fails with the
/// reason given, so that a test on a busy machine waits as long as it must and no longer.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Asks <paramref name="probe"/> until it answers non-null, and returns that answer.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout, string because) where T : class
    {
        var limit = timeout ?? TaskTimeouts.Default;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (await probe().DefaultTimeout() is { } answer)
            {
                return answer;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for: {because}");
            }
            await Task.Delay(Poll);
        }
    }

    public static Task<T> ForAsync<T>(Func<T?> probe, TimeSpan? timeout, string because) where T : class =>
        ForAsync(() => Task.FromResult(probe()), timeout, because);

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string because) =>
        ForAsync(async () => await condition() ? "held" : null, timeout, because);

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string because) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, because);
}
