using Platform.Archive;
using Platform.Redis;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;
using Web.Site;

var builder = PlatformHost.CreateWebBuilder(args);
builder.AddPlatformRedis();
builder.AddArchive();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSite();
return await app.RunServiceAsync();
