using System.Text;
using CsCheck;
using static Web.Tests.Generated.Expect;

namespace Web.Tests.Generated;

/// <summary>
/// Values, path segments, query strings and headers for the generated HTTP requests: each one valid by the contract
/// (docs/protocol.md section 2) or one of the ways a careless or hostile client gets it wrong, and what it makes of
/// the request it is in.
/// </summary>
internal static class HttpGrammar
{
    /// <summary>Kestrel refuses a request line over 8 KB by itself (docs/protocol.md): generated paths stay under it.</summary>
    public const int MostPathLength = 7000;

    private static Gen<Part> Parts(params (int Weight, Gen<Part> Gen)[] parts) =>
        Gen.Frequency([.. parts.Select(p => (p.Weight, (IGen<Part>)p.Gen))]);

    private static Gen<Part> Fixed(Expect expect, params string[] texts) => Gen.OneOf(texts).Select(t => new Part(t, expect));

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static readonly Gen<string> Huge = Gen.Int[100, 100_000].Select(n => new string('x', n));

    private static readonly Gen<string> Deep = Gen.Select(Gen.Int[2, 3000], Gen.Bool, (depth, objects) => objects
        ? string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)
        : new string('[', depth) + "1" + new string(']', depth));

    /// <summary>Any JSON value, of any kind and size.</summary>
    public static readonly Gen<string> Value = Gen.Frequency(
        (3, Gen.Int[0, 400].Select(i => $"\"w{i}\"")),
        (3, Gen.OneOf("0", "-1", "5", "1.5", "1e400", "123456789012345678901234567890", "-0", "true", "false", "null")),
        (1, Huge.Select(Json)), (1, Deep), (1, Gen.OneOf("[]", "{}", "[null]", "{\"\":null}")),
        (1, Gen.OneOf("\"\\ud800\"", "\"\\u0000\"", "\"h\\u00e9llo \\ud83d\\ude00\"", "\"\\uffff\"")));

    private static readonly string Emoji40 = string.Concat(Enumerable.Repeat("\U0001F600", 40));

    /// <summary>A display name: 1 to 40 characters as people count them, no control characters.</summary>
    public static readonly Gen<Part> Name = Parts(
        (6, Fixed(Success, "Ann", "Zoë", " Bob ", "李小龍", "a", Emoji40, "👨‍👩‍👧‍👦 family", new string('n', 40), "O'Brien \"Al\"")),
        (4, Fixed(Refused, "", "   ", new string('n', 41), Emoji40 + "😀", "a\u0000b", "line\nbreak", "tab\there", "\u0007")),
        (1, Huge.Select(h => new Part(h, Refused))));

    public static readonly Gen<Part> Title = Parts(
        (6, Fixed(Success, "chat", "tictactoe")),
        (2, Fixed(Refused, "Chat", "chess", "", " chat", "chat\u0000", "☃")),
        (1, Huge.Select(h => new Part(h, Refused))));

    /// <summary>A JSON object of fields, some of them mutated: dropped, added, or given another value of any kind.</summary>
    private static Gen<Part> Fields(Gen<List<(string Name, Part Value)>> fields, Func<List<(string Name, Part Value)>, Expect> expect) =>
        Gen.Select(fields, Gen.Int[0, 9], Gen.Int[0, 99], Value, (list, how, which, value) =>
        {
            var copy = new List<(string Name, Part Value)>(list);
            var at = which % Math.Max(1, copy.Count);
            switch (how)
            {
                case 0 when copy.Count > 0:
                    copy.RemoveAt(at);
                    break;
                case 1:
                    copy.Add(($"extra{which}", new Part(value, Nesting(value))));
                    break;
                case 2 when copy.Count > 0:
                    copy[at] = (copy[at].Name, new Part(value, Either));
                    break;
                case 3 when copy.Count > 0:
                    // The same field twice: System.Text.Json keeps the last, so the first no longer counts.
                    copy.Add((copy[at].Name, new Part(value, Either)));
                    copy[at] = (copy[at].Name, copy[at].Value with { Expect = Success });
                    break;
            }
            var text = "{" + string.Join(",", copy.Select(f => $"\"{f.Name}\":{f.Value.Text}")) + "}";
            return new Part(text, expect(copy));
        });

    /// <summary>An unknown field is ignored, unless it nests deeper than the 64 levels System.Text.Json reads.</summary>
    private static Expect Nesting(string value)
    {
        var (depth, most) = (0, 0);
        foreach (var c in value)
        {
            depth += c is '[' or '{' ? 1 : c is ']' or '}' ? -1 : 0;
            most = Math.Max(most, depth);
        }
        return most < 60 ? Success : most > 66 ? Refused : Either;
    }

    private static Expect Has(List<(string Name, Part Value)> fields, string name) =>
        fields.Any(f => f.Name == name) ? Part.Combine([.. fields.Select(f => f.Value.Expect)]) : Refused;

    public static readonly Gen<Part> CreateBody = Fields(
        Gen.Select(Title, Name, (title, name) => new List<(string, Part)> { ("title", Quoted(title)), ("name", Quoted(name)) }),
        fields => Part.Combine(Has(fields, "title"), Has(fields, "name")));

    /// <summary>Join with a name, or rejoin with the host's player id (or one that is not in the game).</summary>
    public static readonly Gen<Part> JoinBody = Fields(
        Gen.Frequency(
            (3, Name.Select(name => new List<(string, Part)> { ("name", Quoted(name)) })),
            (2, Fixed(Success, HttpCase.PlayerPlaceholder).Select(id => new List<(string, Part)> { ("playerId", Quoted(id)) })),
            (1, Fixed(Refused, "0123456789abcdef0123456789abcdef", "x", new string('f', 5000))
                .Select(id => new List<(string, Part)> { ("playerId", Quoted(id)) }))),
        // A playerId wins over a name: a valid rejoin does not need a name; an empty playerId is no playerId.
        fields => fields.Any(f => f.Name == "playerId") ? Part.Combine([.. fields.Select(f => f.Value.Expect)]) : Has(fields, "name"));

    private static Part Quoted(Part part) => part with { Text = Json(part.Text) };

    /// <summary>A body's text as bytes, or one of the ways it breaks the JSON itself: all of those are refused.</summary>
    public static Gen<(byte[] Bytes, Expect Expect)> Damaged(Gen<Part> body) =>
        Gen.Select(body, Gen.Int[0, 14], Gen.Int[0, 100_000], (part, how, where) =>
        {
            var bytes = Encoding.UTF8.GetBytes(part.Text);
            var at = where % bytes.Length;
            return how switch
            {
                0 => (Encoding.UTF8.GetBytes(new[] { "[]", "null", "42", "\"s\"", "true", "" }[where % 6]), Refused),
                1 => (bytes[..at], Refused),
                2 => ([.. bytes[..at], 0xFF, 0xC3, 0x28, .. bytes[at..]], Refused),
                3 => ([.. "{\"title\":\"chat\",\"name\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8], Refused),
                4 => ("not json"u8.ToArray(), Refused),
                5 => ([0xEF, 0xBB, 0xBF, .. bytes], Either),
                _ => (bytes, part.Expect),
            };
        });

    public static readonly Gen<Part> ContentType = Parts(
        (8, Fixed(Success, "application/json", "application/json; charset=utf-8")),
        (2, Fixed(Refused, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml")),
        (1, Fixed(Either, "application/json; charset=utf-16", "APPLICATION/JSON", "application/problem+json", "garbage;;;", "application/json; charset=\"")),
        (1, Gen.Const(new Part("", Refused))));

    public static readonly Gen<string?> Accept = Gen.OneOf<string?>(null, "*/*", "application/json", "text/html", "application/xml", "garbage", "text/html;q=0.9, */*;q=0.1");

    private static readonly Gen<string> Junk = Gen.OneOf(
        "%FF%FE", "%00", "%2F", "%25", "%C0%AF", "%ED%A0%80", "%E2%82", "%", "%zz", "..", ".", "%2e%2e", "~", ";", "%20",
        Uri.EscapeDataString("雪☃😀"), Uri.EscapeDataString("\u202Eevil"), "a+b", "%0D%0A");

    /// <summary>A path segment or query value of junk: percent-encoded bytes that are not UTF-8, unicode, dots, huge.</summary>
    public static readonly Gen<string> JunkText = Gen.Frequency(
        (4, Junk.Array[1, 6].Select(string.Concat)),
        (1, Gen.Int[1000, MostPathLength - 200].Select(n => new string('Z', n))),
        (1, Gen.Int[100, 700].Select(n => string.Concat(Enumerable.Repeat("%E2%98%83", n)))));

    /// <summary>The game in a path: a fresh one (as people type it, too), one that does not exist, or junk.</summary>
    public static readonly Gen<Part> GameSegment = Parts(
        (6, Fixed(Success, HttpCase.GamePlaceholder, HttpCase.LowerGamePlaceholder, "%20" + HttpCase.GamePlaceholder)),
        (2, Fixed(Refused, "ZZZZZZ", "22222", "2222222", "OOOOOO", "ABC%2FDE")),
        (2, JunkText.Select(j => new Part(j, Either))));

    /// <summary>A query parameter's value: valid ones, and the ways it goes wrong.</summary>
    public static Gen<Part> Number(string[] valid, string[] refused) => Parts(
        (4, Fixed(Success, valid)), (3, Fixed(Refused, refused)), (1, JunkText.Select(j => new Part(j, Either))));

    public static readonly Gen<Part> After = Number(["0", "1", "3", "9223372036854775807"], ["-1", "abc", "1e3", "", "99999999999999999999", "1.5", "%00"]);

    public static readonly Gen<Part> Limit = Number(["1", "100", "500"], ["0", "501", "-5", "abc", "2147483648", "%20", "0x10"]);

    /// <summary>Parameters nobody asked for: ignored.</summary>
    public static readonly Gen<string> ExtraQuery = Gen.Frequency(
        (4, Gen.Const("")), (1, JunkText.Select(j => $"&x={j}")), (1, JunkText.Select(j => $"&{j}={j}")), (1, Gen.Const("&&=&")));

    public static readonly Gen<(Auth Auth, string? Raw, Expect Expect)> Token = Gen.Frequency(
        (6, Gen.Const<(Auth, string?, Expect)>((Auth.Own, null, Success))),
        (1, Gen.OneOf(Auth.None, Auth.OtherGame, Auth.Tampered).Select(a => (a, (string?)null, Refused))),
        (2, Gen.OneOf("Bearer ", "Bearer x", "Basic YTpi", "bearer", "Bearer a.b.c", "Bearer " + new string('A', 20_000), "Bearer %C3%A9", "Bearer a b")
            .Select(raw => (Auth.Raw, (string?)raw, Refused))));
}
