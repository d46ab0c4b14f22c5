using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CsCheck;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests.Generated;

/// <summary>
/// One transport as the generated tests drive it with a <see cref="RawSocket"/>: the steps it generates, how it
/// asks for an answer that marks a step's end, and which replies its protocol documents.
/// </summary>
internal abstract partial class Probe
{
    // docs/protocol.md section 8: every code a client's request may be refused with. internal is not among
    // them: it is the server failing.
    [GeneratedRegex("^(bad_request|too_large|rate_limited|rejected|game_ended|forbidden|unavailable): .+$", RegexOptions.Singleline)]
    protected static partial Regex Refusal();

    public abstract Gen<Step> Steps { get; }

    public abstract Task<RawSocket> OpenAsync(Uri server, string gameId, string token);

    /// <summary>A request whose answer shows that every record sent before it has been read.</summary>
    public abstract byte[] Marker(int n);

    /// <summary>Checks one message from the server; true if it answers marker <paramref name="n"/>.</summary>
    public abstract bool Check(byte[] message, int n);

    /// <summary>Checks how the server closed the connection after a step that allowed it.</summary>
    public abstract void CheckClose(RawSocket socket, Step step);

    protected static JsonElement Parse(ReadOnlySpan<byte> record)
    {
        try
        {
            using var document = JsonDocument.Parse(record.ToArray());
            document.RootElement.ValueKind.ShouldBe(JsonValueKind.Object, "every record from the server is an object");
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ShouldAssertException($"the server sent a record that is not JSON ({e.Message}): {Encoding.UTF8.GetString(record)}");
        }
    }

    protected static void CheckEnvelope(JsonElement envelope)
    {
        foreach (var member in new[] { "seq", "from", "type", "body", "ts" })
        {
            envelope.TryGetProperty(member, out _).ShouldBeTrue($"an envelope has {member}: {envelope.GetRawText()}");
        }
    }

    protected static void CheckPage(JsonElement page)
    {
        foreach (var member in new[] { "latestSeq", "epoch", "messages", "more" })
        {
            page.TryGetProperty(member, out _).ShouldBeTrue($"a page has {member}: {Shorten(page.GetRawText())}");
        }
        foreach (var envelope in page.GetProperty("messages").EnumerateArray())
        {
            CheckEnvelope(envelope);
        }
    }

    protected static void CheckRefusal(string error, string record) =>
        Refusal().IsMatch(error).ShouldBeTrue($"a documented refusal, not {Shorten(error)}, in {Shorten(record)}");

    protected static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>Cuts one step's bytes into messages the way a client may: in fragments, as binary, or split in two.</summary>
    protected static Gen<Frame> Framed(byte[] bytes) => Gen.Select(Gen.Int[0, 9], Gen.Int[1, 4], (how, fragments) =>
        new Frame(bytes, Binary: how == 0, Fragments: how == 1 ? fragments : 1));
}

/// <summary>The plain WebSocket transport (docs/protocol.md section 11).</summary>
internal sealed class WsProbe : Probe
{
    // Section 11: a frame larger than 2 × Channels:MaxMessageBytes + 4096 closes with 1009 (the default limit).
    private const int FrameLimit = 2 * 16384 + 4096;

    private static readonly Gen<string> Record = Gen.Frequency(
        (6, ChannelGrammar.Mutated(Gen.Select(ChannelGrammar.SendFields, ChannelGrammar.Word, Gen.Bool, (fields, id, withId) =>
            new List<(string, string)>([("op", "\"send\""), .. withId ? [("id", id)] : Array.Empty<(string, string)>(), .. fields])))
            .Select(ChannelGrammar.Object)),
        (3, ChannelGrammar.Mutated(Gen.Select(ChannelGrammar.Word, ChannelGrammar.Number, (id, after) =>
            new List<(string, string)> { ("op", "\"resume\""), ("id", id), ("afterSeq", after) })).Select(ChannelGrammar.Object)),
        (1, ChannelGrammar.Word.Select(id => ChannelGrammar.Object([("op", "\"end\""), ("id", id)]))),
        (1, ChannelGrammar.Value.Select(op => ChannelGrammar.Object([("op", op), ("id", "\"b\"")]))));

    public override Gen<Step> Steps { get; } =
        ChannelGrammar.Damaged(Record).Array[1, 5]
            .SelectMany(records =>
            {
                var bytes = records.SelectMany((r, i) => i == 0 ? r.Bytes : [(byte)'\n', .. r.Bytes]).ToArray();
                return Gen.Select(Framed(bytes), Gen.Int[0, 5], Gen.Int[1, 1000], (frame, split, at) =>
                {
                    Frame[] frames = split == 0 && bytes.Length > 1
                        // One frame's text cut across two messages: each part is read as records of its own.
                        ? [frame with { Bytes = bytes[..(at % bytes.Length)] }, frame with { Bytes = bytes[(at % bytes.Length)..] }]
                        : [frame];
                    // Section 11's closes: 1009 for a frame over the limit; 1007 for a text frame that is not UTF-8.
                    return new Step(frames, frames.Any(f => f.Bytes.Length > FrameLimit || (!f.Binary && records.Any(r => r.NotText))));
                });
            });

    public override Task<RawSocket> OpenAsync(Uri server, string gameId, string token) =>
        RawSocket.ConnectAsync(WsChannelClient.Uri(server, gameId, token));

    public override byte[] Marker(int n) => Encoding.UTF8.GetBytes($"{{\"op\":\"marker\",\"id\":\"marker{n}\"}}");

    public override bool Check(byte[] message, int n)
    {
        var answered = false;
        foreach (var line in Encoding.UTF8.GetString(message).Split('\n'))
        {
            var record = Parse(Encoding.UTF8.GetBytes(line));
            if (record.TryGetProperty("error", out var error))
            {
                CheckRefusal(error.GetString()!, line);
                answered |= record.TryGetProperty("id", out var id) && id.GetString() == $"marker{n}";
            }
            else if (record.TryGetProperty("id", out _))
            {
                (record.TryGetProperty("seq", out _) || record.TryGetProperty("result", out _)).ShouldBeTrue($"an answer, not {Shorten(line)}");
                if (record.TryGetProperty("result", out var page))
                {
                    CheckPage(page);
                }
            }
            else
            {
                CheckEnvelope(record);
            }
        }
        return answered;
    }

    public override void CheckClose(RawSocket socket, Step step)
    {
        if (socket.CloseStatus == WebSocketCloseStatus.InvalidPayloadData)
        {
            step.Frames.ShouldContain(f => !f.Binary, "1007 is for text that is not UTF-8");
            return;
        }
        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.MessageTooBig, $"the only other close a step may cause: {step}");
        socket.CloseDescription.ShouldNotBeNull().ShouldStartWith("too_large: ");
    }
}

/// <summary>The SignalR hub over its JSON protocol, written by hand (docs/protocol.md sections 3 and 4).</summary>
internal sealed partial class HubProbe : Probe
{
    private const char Separator = '\u001e';

    // Section 8: the hub's own refusals and SignalR's for calls it cannot bind.
    [GeneratedRegex("^An unexpected error occurred invoking '(Send|Resume|EndGame)' on the server\\. HubException: (?<refusal>.+)$", RegexOptions.Singleline)]
    private static partial Regex HubRefusal();

    [GeneratedRegex("^Failed to invoke '[^']+' due to an error on the server\\.( HubException: Method does not exist\\.)?$")]
    private static partial Regex BindingFailure();

    private static Gen<string> Invocation(string target, Gen<string[]> arguments) =>
        Gen.Select(Gen.Int[0, 50], arguments, (id, args) =>
            ChannelGrammar.Object([("type", "1"), ("invocationId", $"\"g{id}\""), ("target", $"\"{target}\""), ("arguments", $"[{string.Join(",", args)}]")]));

    private static readonly Gen<string> Record = Gen.Frequency(
        (6, Invocation("Send", Gen.Select(ChannelGrammar.Mutated(ChannelGrammar.SendFields).Select(ChannelGrammar.Object), Gen.Int[0, 9], ChannelGrammar.Value,
            (message, count, extra) => count switch { 0 => [], 1 => [message, extra], _ => new[] { message } }))),
        (3, Invocation("Resume", Gen.Frequency((3, ChannelGrammar.Number), (1, ChannelGrammar.Value)).Select(after => new[] { after }))),
        (1, Invocation("EndGame", Gen.Const(Array.Empty<string>()))),
        (1, Invocation("Nope", Gen.Const(Array.Empty<string>()))));

    public override Gen<Step> Steps { get; } =
        ChannelGrammar.Damaged(Record).Array[1, 5]
            .SelectMany(records =>
            {
                var bytes = records.SelectMany(r => r.Bytes.Append((byte)Separator)).ToArray();
                // SignalR reads a record to its separator across messages, so any cut is allowed.
                return Gen.Select(Framed(bytes), Gen.Int[0, 3], Gen.Int[1, 1000], (frame, split, at) =>
                    new Step(split == 0 && bytes.Length > 1
                        ? [frame with { Bytes = bytes[..(at % bytes.Length)] }, frame with { Bytes = bytes[(at % bytes.Length)..] }]
                        : [frame],
                        // A record that is not a hub message ends the connection (SignalR's protocol, section 8), as
                        // does nesting deeper than its reader's 64 levels.
                        records.Any(r => r.Broken || Encoding.UTF8.GetString(r.Bytes).Contains(new string('[', 60), StringComparison.Ordinal))));
            });

    public override async Task<RawSocket> OpenAsync(Uri server, string gameId, string token)
    {
        var socket = await RawSocket.ConnectAsync(ChannelClient.ChannelUri(server, gameId, token));
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}" + Separator), binary: false);
        var answer = await socket.Received.ReadAsync().AsTask().DefaultTimeout();
        Encoding.UTF8.GetString(answer).ShouldBe("{}" + Separator);
        return socket;
    }

    public override byte[] Marker(int n) =>
        Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"marker{n}\",\"target\":\"Marker\",\"arguments\":[]}}{Separator}");

    public override bool Check(byte[] message, int n)
    {
        var answered = false;
        foreach (var text in Encoding.UTF8.GetString(message).Split(Separator, StringSplitOptions.RemoveEmptyEntries))
        {
            var record = Parse(Encoding.UTF8.GetBytes(text));
            var type = record.GetProperty("type").GetInt32();
            switch (type)
            {
                case 1:
                    record.GetProperty("target").GetString().ShouldBe("message", Shorten(text));
                    CheckEnvelope(record.GetProperty("arguments")[0]);
                    break;
                case 3 when record.TryGetProperty("error", out var error):
                    var hub = HubRefusal().Match(error.GetString()!);
                    if (hub.Success)
                    {
                        CheckRefusal(hub.Groups["refusal"].Value, text);
                    }
                    else
                    {
                        BindingFailure().IsMatch(error.GetString()!).ShouldBeTrue($"a documented error, not {Shorten(text)}");
                    }
                    answered |= record.GetProperty("invocationId").GetString() == $"marker{n}";
                    break;
                case 3:
                    if (record.GetProperty("result") is { ValueKind: JsonValueKind.Object } page)
                    {
                        CheckPage(page);
                    }
                    break;
                case 6:
                    break;
                case 7:
                    // Section 8's connection-level close; only a step that allows it gets here (CheckClose).
                    record.TryGetProperty("error", out var reason).ShouldBeTrue(Shorten(text));
                    reason.GetString().ShouldBe("Connection closed with an error.");
                    break;
                default:
                    throw new ShouldAssertException($"an undocumented record: {Shorten(text)}");
            }
        }
        return answered;
    }

    public override void CheckClose(RawSocket socket, Step step)
    {
    }
}
