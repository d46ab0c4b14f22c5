using Platform.Archive;
using Platform.Redis;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;

var builder = PlatformHost.CreateWebBuilder(args);
builder.AddPlatformRedis();
builder.AddArchive();

var app = builder.Build();
app.MapDefaultEndpoints();
return await app.RunServiceAsync();
