using MessageMigrator;
using Platform.Archive;
using Platform.Jobs;
using Platform.Redis;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;

var builder = PlatformHost.CreateWebBuilder(args);
builder.AddPlatformRedis();
builder.AddArchive();
builder.AddMigrator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapJobsDashboard();
return await app.RunServiceAsync();
