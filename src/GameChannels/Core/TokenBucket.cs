namespace GameChannels.Core;

/// <summary>
/// A token bucket that refills from timestamps when asked, rather than on a timer of its own: one per
/// connection, and a channel server holds tens of thousands of connections.
/// </summary>
public sealed class TokenBucket(TimeProvider time, double perSecond, int burst)
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    public bool TryTake()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * perSecond);
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens -= 1;
            return true;
        }
    }
}
