using System.Buffers;
using System.Text.Json;

namespace Platform.Games;

/// <summary>
/// A JSON writer and its buffer kept per thread, for what the channel writes on every message (an envelope's
/// tail, a reply): a new writer and buffer each time made up a good share of what the server allocated per
/// message, and each allocation brings the next pause of the garbage collector closer (docs/benchmark.md).
/// </summary>
public static class JsonScratch
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // A buffer that grew past this for one large record (a resume page) is not kept for the thread.
    private const int KeepUpTo = 64 * 1024;

    /// <summary>
    /// Runs <paramref name="write"/> on this thread's writer, emptied first, and returns what it wrote. The span
    /// is valid until this thread's next use: copy it out before anything else writes (no nesting).
    /// </summary>
    public static ReadOnlySpan<byte> Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        write(writer, state);
        writer.Flush();
        if (buffer.Capacity > KeepUpTo)
        {
            t_buffer = null;
            t_writer = null;
        }
        return buffer.WrittenSpan;
    }
}
