using FeatureBuilder;
using ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFeatureBuilder();
builder.AddMessageBus();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServiceInfo(FeatureBuilderService.Description);
app.MapFeatureBuilder();
app.Run();

/// <summary>The FeatureBuilder service's entry point; public so tests can host it.</summary>
public partial class Program;
