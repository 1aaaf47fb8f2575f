using FeedbackCollector;
using ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFeedbackCollector();
builder.AddMessageBus();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServiceInfo(FeedbackCollectorService.Description);
app.MapFeedbackCollector();
app.Run();

/// <summary>The FeedbackCollector service's entry point; public so tests can host it.</summary>
public partial class Program;
