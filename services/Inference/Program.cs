using Inference;
using ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddInference();
builder.AddMessageBus();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServiceInfo(InferenceService.Description);
app.MapInference();
app.Run();

/// <summary>The Inference service's entry point; public so tests can host it.</summary>
public partial class Program;
