using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Games;

// The records that cross the wire between browsers, Web and GameChannels. docs/protocol.md describes them.

/// <summary>A player's message to the channel. <c>Body</c> is any JSON value, kept as the client sent it.</summary>
public sealed record SendRequest(string? ClientMsgId, string? Type, JsonElement Body, int? To);

/// <summary>An answer to Resume, and the page the messages API returns.</summary>
public sealed record LogPage(long LatestSeq, string Epoch, IReadOnlyList<RawJson> Messages, bool More);

/// <summary>Sent to every connection when the server is going away: reconnect after this delay.</summary>
public sealed record Reconnect(int AfterMs);

public sealed record CreateGameRequest(string? Title, string? Name);

public sealed record JoinGameRequest(string? Name, string? PlayerId);

public sealed record GameCreated(string GameId, string PlayerId, int Seat, string Token, string ChannelUrl, string WsUrl, string ShareUrl);

public sealed record GameJoined(string PlayerId, int Seat, string Token, string ChannelUrl, string WsUrl);

public sealed record SeatView(int Seat, string Name, bool Connected);

public sealed record GameView(string GameId, string Title, string Status, IReadOnlyList<SeatView> Seats, long LatestSeq, int MaxPlayers);

public sealed record TitleView(string Id, string Name, int MinPlayers, int MaxPlayers);

/// <summary>Statuses of a game, as the API spells them.</summary>
public static class GameStatus
{
    public const string Waiting = "waiting";
    public const string Active = "active";
    public const string Ended = "ended";
}

/// <summary>JSON text passed through as it is: an envelope is serialized once and written to every receiver.</summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson(ReadOnlyMemory<byte> Utf8)
{
    public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8.Span);
}

public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(JsonSerializer.SerializeToUtf8Bytes(document.RootElement));
    }

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JoinToken))]
[JsonSerializable(typeof(SendRequest))]
[JsonSerializable(typeof(LogPage))]
[JsonSerializable(typeof(Reconnect))]
[JsonSerializable(typeof(CreateGameRequest))]
[JsonSerializable(typeof(JoinGameRequest))]
[JsonSerializable(typeof(GameCreated))]
[JsonSerializable(typeof(GameJoined))]
[JsonSerializable(typeof(GameView))]
[JsonSerializable(typeof(IReadOnlyList<TitleView>))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class GamesJsonContext : JsonSerializerContext;
