using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Configuration;

namespace Platform.Games;

public static class GamesExtensions
{
    /// <summary>Join tokens, sealed and opened with the keys in section Tokens.</summary>
    public static IHostApplicationBuilder AddJoinTokens(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<TokenOptions>(TokenOptions.Section);
        builder.Services.AddSingleton<JoinTokens>();
        // A token names a seat; the cap on seats comes with it, the same for Web and the channel.
        builder.Services.AddSettings<SeatOptions>(SeatOptions.Section);
        return builder;
    }

    /// <summary>
    /// Join tokens as the request's authentication: endpoints that need a player RequireAuthorization(), and
    /// <see cref="JoinTokenAuthentication.PlayerOf"/> gives the player.
    /// </summary>
    public static IHostApplicationBuilder AddJoinTokenAuthentication(this IHostApplicationBuilder builder, Action<JoinTokenAuthenticationOptions>? configure = null)
    {
        builder.Services.AddAuthentication(JoinTokenAuthentication.SchemeName)
            .AddScheme<JoinTokenAuthenticationOptions, JoinTokenAuthentication>(JoinTokenAuthentication.SchemeName, configure);
        builder.Services.AddAuthorization();
        return builder;
    }
}
