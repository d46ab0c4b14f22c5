using Accounting;
using Platform.Archive;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;

// The owner's offline reports over the archive. Settings come from appsettings.json, PLATFORM_ variables
// and --Section:Key=value flags like every service; the first other argument names the command.
var builder = PlatformHost.CreateToolBuilder(args);
builder.AddArchive();
using var host = builder.Build();

return await host.RunToolAsync((services, cancellationToken) =>
    Commands.RunAsync(CommandLine.CommandOf(args), services, cancellationToken));
