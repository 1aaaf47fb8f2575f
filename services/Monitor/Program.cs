using Monitor;
using ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMonitor();
builder.AddMessageBus();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServiceInfo(MonitorService.Description);
app.MapMonitor();
app.Run();

/// <summary>The Monitor service's entry point; public so tests can host it.</summary>
public partial class Program;
