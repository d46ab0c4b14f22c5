using Platform.Archive;
using Platform.Redis;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;
using Stats;

var builder = PlatformHost.CreateWebBuilder(args);
builder.AddPlatformRedis();
builder.AddArchive();
builder.AddStats();

var app = builder.Build();
app.MapDefaultEndpoints();
return await app.RunServiceAsync();
