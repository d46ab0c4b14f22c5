using System.Diagnostics;

namespace LoadGen;

/// <summary>
/// Load generators started together (bench/run hold) pass the same points together: each leaves a file named
/// after the point in a shared folder, then waits (at most 5 minutes) until all of them have.
/// </summary>
internal static class Rendezvous
{
    public static async Task PassAsync(Options options, string point, CancellationToken cancellationToken)
    {
        if (options.Rendezvous is not { } folder || options.Parts <= 1)
        {
            return;
        }
        await File.WriteAllTextAsync(Path.Combine(folder, $"{point}.{Environment.ProcessId}"), "", cancellationToken);
        var deadline = Stopwatch.GetTimestamp() + 300 * Stopwatch.Frequency;
        while (Directory.GetFiles(folder, point + ".*").Length < options.Parts)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"the other load generators did not reach '{point}' within 5 minutes");
            }
            await Task.Delay(20, cancellationToken);
        }
    }
}
