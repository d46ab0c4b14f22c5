using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using GameChannels.SignalR;
using Platform.Archive;
using Platform.Games;
using Platform.Redis;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;

// Socket completions run on the socket engine's own threads instead of hopping to the thread pool, and Kestrel
// runs its pipe continuations inline: a channel's work per message is short and never blocks, and each hop was a
// context switch (docs/benchmark.md). Read once, when the first socket opens, so it is set before anything else.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}
var builder = PlatformHost.CreateWebBuilder(args);
builder.Services.Configure<SocketTransportOptions>(sockets => sockets.UnsafePreferInlineScheduling = true);
builder.AddPlatformRedis();
builder.AddArchive();
builder.AddJoinTokens();
builder.AddGameChannels();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGameChannels();
return await app.RunServiceAsync();
