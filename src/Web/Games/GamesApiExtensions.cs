using Platform.Games;
using Platform.ServiceDefaults.Configuration;

namespace Web.Games;

public static class GamesApiExtensions
{
    public static IHostApplicationBuilder AddGamesApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<ChannelLinkOptions>(ChannelLinkOptions.Section);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GamesJsonContext.Default));
        return builder;
    }
}
