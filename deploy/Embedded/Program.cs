using FeatureBuilder;
using FeedbackCollector;
using Gateway;
using Inference;
using Monitor;
using Retrainer;
using ServiceDefaults;

// The embedded default: every service in one process, on the in-memory bus, each added and mapped by
// the same two methods its own Program.cs calls.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGateway();
builder.AddFeatureBuilder();
builder.AddInference();
builder.AddFeedbackCollector();
builder.AddMonitor();
builder.AddRetrainer();
builder.AddMessageBus();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServiceInfo(EmbeddedHost.Description);
app.MapGateway();
app.MapFeatureBuilder();
app.MapInference();
app.MapFeedbackCollector();
app.MapMonitor();
app.MapRetrainer();
await app.RunAsync();
