namespace Platform.TestSupport;

public static class Wait
{
    /// <summary>
    /// Asks <paramref name="probe"/> every 100 ms until it answers non-null, and returns that answer; fails
    /// with <paramref name="because"/> and the last answer's absence after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<T> Eventually<T>(Func<Task<T?>> probe, TimeSpan? timeout, string because) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TaskTimeouts.Default);
        while (true)
        {
            if (await probe().DefaultTimeout() is { } answer)
            {
                return answer;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still waiting after {timeout ?? TaskTimeouts.Default}: {because}");
            }
            await Task.Delay(100);
        }
    }

    public static Task<T> Eventually<T>(Func<T?> probe, TimeSpan? timeout, string because) where T : class =>
        Eventually(() => Task.FromResult(probe()), timeout, because);
}
