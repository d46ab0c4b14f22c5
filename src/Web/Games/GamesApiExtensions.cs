using Microsoft.AspNetCore.HttpOverrides;
using Platform.Games;
using Platform.ServiceDefaults.Configuration;

namespace Web.Games;

public static class GamesApiExtensions
{
    public static IHostApplicationBuilder AddGamesApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<ChannelLinkOptions>(ChannelLinkOptions.Section);
        builder.Services.Configure<ProblemDetailsOptions>(problems => problems.CustomizeProblemDetails = ApiErrors.AddCode);
        builder.Services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();
        // Behind the router (on this host), share links must carry the public scheme and host.
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GamesJsonContext.Default));
        return builder;
    }
}
