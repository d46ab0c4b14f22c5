using System.Runtime.InteropServices;

namespace LoadGen;

/// <summary>Counts and latencies of one run, shared by every player (thread-safe).</summary>
internal sealed class Stats
{
    private readonly Lock _gate = new();
    private readonly List<float> _latenciesMs = new(1 << 16);
    private readonly List<float> _resumesMs = [];
    private readonly List<float> _resumeConnectsMs = [];
    private readonly List<float> _resumePagesMs = [];
    private long _sent;
    private long _acknowledged;
    private long _deliveries;
    private long _duplicated;
    private long _outOfOrder;
    private long _errors;
    private long _resumeFailures;

    public long Sent => Interlocked.Read(ref _sent);

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Deliveries => Interlocked.Read(ref _deliveries);

    public long Duplicated => Interlocked.Read(ref _duplicated);

    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    public long Errors => Interlocked.Read(ref _errors);

    public long ResumeFailures => Interlocked.Read(ref _resumeFailures);

    public bool Recording { get; set; }

    public void CountSent() => Interlocked.Increment(ref _sent);

    public void CountAcknowledged() => Interlocked.Increment(ref _acknowledged);

    public void CountDuplicate() => Interlocked.Increment(ref _duplicated);

    public void CountOutOfOrder() => Interlocked.Increment(ref _outOfOrder);

    public void CountError() => Interlocked.Increment(ref _errors);

    public void ResumeFailed() => Interlocked.Increment(ref _resumeFailures);

    /// <summary>One message received by a player other than its sender; timed unless it came in a resume page.</summary>
    public void Delivered(double? latencyMs)
    {
        Interlocked.Increment(ref _deliveries);
        if (latencyMs is { } ms)
        {
            lock (_gate)
            {
                _latenciesMs.Add((float)ms);
            }
        }
    }

    /// <summary>
    /// A reconnect that went live again, from its start to the end of its last resume page; and that time's two
    /// parts: up to the answered WebSocket upgrade, and from there (join, resume, pages) to live.
    /// </summary>
    public void Resumed(double ms, double connectMs, double pageMs)
    {
        lock (_gate)
        {
            _resumesMs.Add((float)ms);
            _resumeConnectsMs.Add((float)connectMs);
            _resumePagesMs.Add((float)pageMs);
        }
    }

    public float[] Latencies()
    {
        lock (_gate)
        {
            return [.. _latenciesMs];
        }
    }

    public (float[] Total, float[] Connect, float[] Page) Resumes()
    {
        lock (_gate)
        {
            return ([.. _resumesMs], [.. _resumeConnectsMs], [.. _resumePagesMs]);
        }
    }

    /// <summary>Latencies as raw float32 (little-endian), for merging with other load generators' (bench/run hold).</summary>
    public static void Save(string path, float[] samples) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(samples.AsSpan()).ToArray());

    public static float[] Load(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
}
