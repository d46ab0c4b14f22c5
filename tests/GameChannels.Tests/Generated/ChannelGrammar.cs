using System.Globalization;
using System.Text;
using CsCheck;

namespace GameChannels.Tests.Generated;

/// <summary>One WebSocket message as sent: its bytes, text or binary, cut into fragments.</summary>
public sealed record Frame(byte[] Bytes, bool Binary, int Fragments)
{
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Bytes);
        text = (text.Length > 160 ? $"{text[..160]}…({Bytes.Length} bytes)" : text).Replace("\n", "⏎", StringComparison.Ordinal);
        return $"{(Binary ? "binary" : "text")}/{Fragments} {text}";
    }
}

/// <summary>
/// What a client sends in one go, and whether the protocol lets the server close the connection for it
/// (<see cref="MayClose"/>): docs/protocol.md sections 4 and 11 name those closes.
/// </summary>
public sealed record Step(IReadOnlyList<Frame> Frames, bool MayClose)
{
    public override string ToString() => (MayClose ? "[may close] " : "") + string.Join(" | ", Frames);
}

/// <summary>
/// Records from the protocol's grammar (docs/protocol.md sections 4 and 11), as field lists, and the mutations
/// a careless or hostile client makes of them: a field dropped, added or of another type, huge numbers and
/// strings, deep nesting, records that are not objects, cut short, or not UTF-8.
/// </summary>
internal static class ChannelGrammar
{
    public static readonly Gen<string> Word = Gen.Int[0, 400].Select(i => $"\"w{i}\"");

    public static readonly Gen<string> Number = Gen.Frequency(
        (6, Gen.Int[-2, 12].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.OneOf(Gen.Const("1e400"), Gen.Const("123456789012345678901234567890"), Gen.Const("1.5"), Gen.Const("-0"),
            Gen.Const("9223372036854775808"), Gen.Const("2147483648"))));

    private static readonly Gen<string> HugeString = Gen.Int[100, 40_000].Select(n => $"\"{new string('x', n)}\"");

    private static readonly Gen<string> Nested = Gen.Int[2, 120].Select(depth => new string('[', depth) + "1" + new string(']', depth));

    public static readonly Gen<string> Value = Gen.Frequency(
        (4, Word), (4, Number), (1, Gen.Const("null")), (1, Gen.Const("true")), (1, HugeString), (1, Nested),
        (1, Gen.Const("[]")), (1, Gen.Const("{}")), (1, Gen.Const("\"h\\u00e9llo \\ud83d\\ude00\"")));

    private static readonly Gen<string> MessageType = Gen.Frequency(
        (6, Gen.Const("\"chat\"")), (4, Gen.Const("\"move\"")), (1, Gen.Const("\"game.start\"")), (1, Gen.Const("\"a b\"")), (1, Gen.Const("\"\"")));

    private static readonly Gen<string> Body = Gen.Frequency(
        (4, Gen.Int[-1, 9].Select(cell => $"{{\"cell\":{cell}}}")), (3, Word.Select(w => $"{{\"text\":{w}}}")), (2, Value));

    /// <summary>The fields of a Send's argument: clientMsgId, type, body and sometimes to.</summary>
    public static readonly Gen<List<(string, string)>> SendFields = Gen.Select(Word, MessageType, Body, Gen.Int[0, 6],
        (id, type, body, to) =>
        {
            var fields = new List<(string, string)> { ("clientMsgId", id), ("type", type), ("body", body) };
            if (to <= 3)
            {
                fields.Add(("to", to.ToString(CultureInfo.InvariantCulture)));
            }
            return fields;
        });

    /// <summary>Fields mutated one way or none: dropped, added, or given another value of any kind.</summary>
    public static Gen<List<(string, string)>> Mutated(Gen<List<(string, string)>> fields) =>
        Gen.Select(fields, Gen.Int[0, 9], Gen.Int[0, 99], Value, (list, how, which, value) =>
        {
            var copy = new List<(string, string)>(list);
            var at = which % Math.Max(1, copy.Count);
            switch (how)
            {
                case 0 when copy.Count > 0:
                    copy.RemoveAt(at);
                    break;
                case 1:
                    copy.Add(($"extra{which}", value));
                    break;
                case 2 or 3 when copy.Count > 0:
                    copy[at] = (copy[at].Item1, value);
                    break;
            }
            return copy;
        });

    public static string Object(IEnumerable<(string Name, string Value)> fields) =>
        "{" + string.Join(",", fields.Select(f => $"\"{f.Name}\":{f.Value}")) + "}";

    /// <summary>
    /// A record's text as bytes, or one of the ways it breaks the JSON itself (Broken), among them bytes that are
    /// not UTF-8 (NotText).
    /// </summary>
    public static Gen<(byte[] Bytes, bool Broken, bool NotText)> Damaged(Gen<string> record) =>
        Gen.Select(record, Gen.Int[0, 19], Gen.Int[0, 1000], (text, how, where) =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            return how switch
            {
                0 => (Encoding.UTF8.GetBytes(new[] { "[]", "null", "42", "\"s\"" }[where % 4]), true, false),
                1 => (bytes[..(where % bytes.Length)], true, false),
                2 => ([.. bytes[..(where % bytes.Length)], 0xFF, 0xC3, 0x28, .. bytes[(where % bytes.Length)..]], true, true),
                3 => ("not json"u8.ToArray(), true, false),
                _ => (bytes, false, false),
            };
        });
}
