using BareRelay;

// The ceiling the benchmark compares GameChannels against: the same relay as the plain WebSocket transport
// (docs/protocol.md section 11) with nothing behind it. Games live in memory and are numbered here; nothing
// is logged, authenticated or limited. Started as: BareRelay --urls http://127.0.0.1:PORT
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();
app.UseWebSockets();
var games = new Games();
app.MapGet("/health", () => "ok");
app.Map("/ws", (HttpContext context) => Relay.HandleAsync(context, games));
app.Run();
