using GameChannels.Core;
using GameChannels.Rules;
using GameChannels.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Platform.Games;
using Platform.Jobs;
using Platform.ServiceDefaults.Configuration;

namespace GameChannels.SignalR;

public static class GameChannelsExtensions
{
    public static IHostApplicationBuilder AddGameChannels(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<ChannelOptions>(ChannelOptions.Section);
        services.AddSingleton<GameRooms>();
        services.AddSingleton<RoomServices>();
        services.AddSingleton<GameEnding>();
        // Ended games become jobs for the workers: this process is a Hangfire client only.
        builder.AddPlatformJobs();
        services.AddSingleton<GameEndedJobs>();
        services.AddHostedService(sp => sp.GetRequiredService<GameEndedJobs>());
        services.AddSingleton<ChannelMetrics>();
        services.AddSingleton<ChannelErrors>();
        // Both transports let a player in by its join token, as Web's API does; each refusal is counted.
        builder.AddJoinTokenAuthentication(auth => auth.OnRefused = context =>
            context.RequestServices.GetRequiredService<ChannelMetrics>().Refused(ErrorCodes.Unauthorized));
        services.AddSingleton<ITitleRules, TicTacToeRules>();
        services.AddHostedService<ChannelLifecycle>();
        services.AddSingleton<IdleSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<IdleSweeper>());

        // Plain WebSocket upgrades are taken below HTTP where they can be (DirectUpgrade says when); on every
        // endpoint, including those from the URLs setting.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(endpoint =>
            endpoint.Use(next => new DirectUpgrade(next, endpoint.ApplicationServices).OnConnectionAsync)));
        services.AddCors();
        services.AddSignalR(hub =>
            {
                hub.AddFilter<ChannelErrorFilter>();
                // Above the largest message, so that an oversized one gets too_large rather than a closed connection.
                hub.MaximumReceiveMessageSize = 4 * 1024 * 1024;
            })
            .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, GamesJsonContext.Default));
        services.AddSingleton<ChannelErrorFilter>();
        // SignalR logs every failed hub method as an error, a client's mistake too. ChannelErrors logs each
        // failure once instead: a refusal at Debug, the server's own fault as an error with its exception.
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical);
        return builder;
    }

    public static WebApplication MapGameChannels(this WebApplication app)
    {
        // Options are read per request, not here: a bad setting must reach the one-line validation report
        // rather than throw while the app is being put together.
        var options = app.Services.GetRequiredService<IOptions<ChannelOptions>>();
        app.UseCors(cors => cors.SetIsOriginAllowed(origin => options.Value.AllowedOrigins.Contains(origin))
            .AllowAnyHeader().AllowAnyMethod().AllowCredentials());
        app.UseWebSockets();
        app.UseRefusalWhileStopping("/channels");
        app.UseRefusalWhileStopping("/ws");
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAfterQuery("/channels");
        app.UseAfterQuery("/ws");
        app.MapHub<ChannelHub>("/channels").RequireAuthorization();
        // The plain WebSocket transport, beside SignalR, over the same rooms.
        app.Map("/ws", (HttpContext context, GameRooms rooms, RoomServices services) => WebSocketChannel.HandleAsync(context, rooms, services))
            .RequireAuthorization();
        return app;
    }
}
