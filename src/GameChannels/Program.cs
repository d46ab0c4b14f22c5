using GameChannels.SignalR;
using Platform.Archive;
using Platform.Games;
using Platform.Redis;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;

var builder = PlatformHost.CreateWebBuilder(args);
builder.AddPlatformRedis();
builder.AddArchive();
builder.AddJoinTokens();
builder.AddGameChannels();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGameChannels();
return await app.RunServiceAsync();
