using Platform.Archive;
using Platform.Jobs;
using Platform.Redis;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;

var builder = PlatformHost.CreateWebBuilder(args);
builder.AddPlatformRedis();
builder.AddArchive();
// The confirmations queue; its jobs (purchase emails) arrive with issue 16.
builder.AddJobServer(JobQueues.Confirmations);

var app = builder.Build();
app.MapDefaultEndpoints();
return await app.RunServiceAsync();
