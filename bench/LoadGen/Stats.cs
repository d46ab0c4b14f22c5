namespace LoadGen;

/// <summary>Counts and latencies of one run, shared by every player (thread-safe).</summary>
internal sealed class Stats
{
    private readonly Lock _gate = new();
    private readonly List<float> _latenciesMs = new(1 << 16);
    private long _sent;
    private long _acknowledged;
    private long _deliveries;
    private long _duplicated;
    private long _outOfOrder;
    private long _errors;

    public long Sent => Interlocked.Read(ref _sent);

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Deliveries => Interlocked.Read(ref _deliveries);

    public long Duplicated => Interlocked.Read(ref _duplicated);

    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    public long Errors => Interlocked.Read(ref _errors);

    public bool Recording { get; set; }

    public void CountSent() => Interlocked.Increment(ref _sent);

    public void CountAcknowledged() => Interlocked.Increment(ref _acknowledged);

    public void CountDuplicate() => Interlocked.Increment(ref _duplicated);

    public void CountOutOfOrder() => Interlocked.Increment(ref _outOfOrder);

    public void CountError() => Interlocked.Increment(ref _errors);

    public void Delivered(double latencyMs)
    {
        Interlocked.Increment(ref _deliveries);
        lock (_gate)
        {
            _latenciesMs.Add((float)latencyMs);
        }
    }

    public (double P50, double P95, double P99, double Max) Percentiles()
    {
        float[] sorted;
        lock (_gate)
        {
            sorted = [.. _latenciesMs];
        }
        if (sorted.Length == 0)
        {
            return (0, 0, 0, 0);
        }
        Array.Sort(sorted);
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return (At(0.50), At(0.95), At(0.99), sorted[^1]);
    }
}
