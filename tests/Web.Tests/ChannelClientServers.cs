using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace Web.Tests;

/// <summary>
/// Web and GameChannels for channel.js: several resume pages even for a short log, a short wait before
/// reconnecting after a restart, and room for four connections per game. Each page taps its WebSockets
/// (Scripts/socket-tap.js).
/// </summary>
public sealed class ChannelClientServers : PlayServers
{
    public ChannelClientServers()
        : base(new()
        {
            ["PLATFORM_CHANNELS__RESUMEPAGESIZE"] = "2",
            ["PLATFORM_CHANNELS__RECONNECTJITTERMS"] = "400",
            ["PLATFORM_CHANNELS__MAXCONNECTIONSPERGAME"] = "4",
        })
    {
    }

    // Gets the seat's wsUrl and token from Web as the play page does, and defines connect(): `channel` joins
    // as that seat (with `token` instead, if given), and `live` is its first time live. What it delivers and
    // reports is kept in `seen`, `states`, `resets` and `renewals`.
    private const string Setup = """
        async ({ gameId, playerId, token }) => {
          const { GameChannel } = await import('/js/channel.js');
          const rejoin = async () => (await fetch(`/api/games/${gameId}/players`, {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ playerId }) })).json();
          const seat = await rejoin();
          Object.assign(window, { seen: [], states: [], resets: 0, renewals: 0 });
          window.channel = new GameChannel(gameId, { minDelayMs: 20, maxDelayMs: 80 });
          channel.onMessage((m) => seen.push(m.seq));
          channel.onStatus(({ state, delayMs, error }) => states.push({ state, delayMs, code: error?.code, detail: error?.detail }));
          channel.onReset(() => { window.resets++; seen.length = 0; });
          window.connect = () => {
            window.live = channel.connect(seat.wsUrl, token ?? seat.token,
              { renewToken: async () => { window.renewals++; return (await rejoin()).token; } });
            live.catch(() => {});
          };
        }
        """;

    /// <summary>A page of the site, its WebSockets tapped, ready to connect() as <paramref name="seat"/> of the game.</summary>
    public async Task<IPage> OpenAsync(TestGame game, int seat, string? token = null)
    {
        var page = await NewPlayerAsync();
        await page.Context.AddInitScriptAsync(scriptPath: Path.Combine(AppContext.BaseDirectory, "Scripts", "socket-tap.js")).DefaultTimeout();
        await page.GotoAsync(Web.BaseAddress!.ToString()).DefaultTimeout();
        await page.EvaluateAsync(Setup, new { gameId = game.GameId, playerId = game.Seats[seat - 1].PlayerId, token }).DefaultTimeout();
        return page;
    }

    /// <summary>As <see cref="OpenAsync"/>, and connected: live.</summary>
    public async Task<IPage> PlayAsync(TestGame game, int seat)
    {
        var page = await OpenAsync(game, seat);
        await page.EvaluateAsync("() => { connect(); return live; }").DefaultTimeout();
        return page;
    }

    /// <summary>A player on the channel server other than the page, through the .NET client.</summary>
    public Task<WsChannelClient> PlayerAsync(TestGame game, int seat, bool resume = true) =>
        WsChannelClient.ConnectAsync(Channels.BaseAddress!, game.GameId, game.Tokens[seat - 1], resume);

    /// <summary>The log as <paramref name="seat"/> may see it, read over HTTP from Web: its epoch and numbers.</summary>
    public async Task<(string Epoch, long[] Seqs)> LogAsync(TestGame game, int seat)
    {
        using var http = new HttpClient { BaseAddress = Web.BaseAddress, Timeout = TaskTimeouts.Default };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", game.Tokens[seat - 1]);
        var page = await http.GetFromJsonAsync<JsonElement>($"api/games/{game.GameId}/messages?after=0&limit=500").DefaultTimeout();
        page.GetProperty("more").GetBoolean().ShouldBeFalse();
        return (page.GetProperty("epoch").GetString()!,
            [.. page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64())]);
    }
}
