using System.ComponentModel.DataAnnotations;

namespace GameChannels.Core;

/// <summary>Section <c>Channels</c> (GameChannels): the limits that keep one client from hurting the others.</summary>
public sealed class ChannelOptions
{
    public const string Section = "Channels";

    /// <summary>Largest message a player may send: the envelope without its number, in UTF-8 bytes.</summary>
    [Range(256, 1024 * 1024, ErrorMessage = "must be between 256 and 1048576 bytes")]
    public int MaxMessageBytes { get; set; } = 16 * 1024;

    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000")]
    public int MessagesPerSecondPerConnection { get; set; } = 20;

    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000")]
    public int BurstPerConnection { get; set; } = 40;

    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000")]
    public int MessagesPerSecondPerGame { get; set; } = 100;

    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000")]
    public int BurstPerGame { get; set; } = 200;

    /// <summary>Open connections one game may have (players with several tabs count several times).</summary>
    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000")]
    public int MaxConnectionsPerGame { get; set; } = 64;

    /// <summary>Messages waiting to be written to one connection; a client that falls further behind is dropped.</summary>
    [Range(8, 100_000, ErrorMessage = "must be between 8 and 100000")]
    public int SendQueueLength { get; set; } = 512;

    /// <summary>
    /// Players' messages one game may have on their way to Redis. A server that falls behind then reads the
    /// game's connections only as fast as Redis logs their messages, instead of holding what they send.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000")]
    public int MaxPendingPerGame { get; set; } = 32;

    /// <summary>Messages per Resume answer.</summary>
    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000")]
    public int ResumePageSize { get; set; } = 500;

    /// <summary>A game with no message and no connection for this long is ended.</summary>
    [Range(1, 7 * 24 * 60, ErrorMessage = "must be between 1 and 10080 minutes")]
    public int IdleMinutes { get; set; } = 30;

    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds")]
    public int IdleSweepSeconds { get; set; } = 60;

    /// <summary>
    /// A seat of a title whose rules keep seats (tic-tac-toe) with no connection for this long is left for good:
    /// the host's ends the game, another frees the seat.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds")]
    public int SeatGraceSeconds { get; set; } = 30;

    /// <summary>On shutdown, clients are told to reconnect after a random delay up to this, so they do not all come at once.</summary>
    [Range(0, 60_000, ErrorMessage = "must be between 0 and 60000 ms")]
    public int ReconnectJitterMs { get; set; } = 3000;

    /// <summary>Origins of the pages allowed to open a channel (the site's public URL).</summary>
    public string[] AllowedOrigins { get; set; } = ["http://127.0.0.1:8080", "http://localhost:8080"];
}
