using Platform.Archive;
using Platform.Redis;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;
using Platform.Games;
using Web.Games;
using Web.Site;

var builder = PlatformHost.CreateWebBuilder(args);
builder.AddPlatformRedis();
builder.AddArchive();
builder.AddJoinTokens();
builder.AddJoinTokenAuthentication();
builder.AddGamesApi();

var app = builder.Build();
app.UseForwardedHeaders();
app.MapDefaultEndpoints();
app.UseUtf8Bodies();
app.MapSite();
app.MapGames();
return await app.RunServiceAsync();
