using Gateway;
using ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGateway();
builder.AddMessageBus();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServiceInfo(GatewayService.Description);
app.MapGateway();
app.Run();

/// <summary>The Gateway service's entry point; public so tests can host it.</summary>
public partial class Program;
