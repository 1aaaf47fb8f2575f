using Retrainer;
using Retrainer.Training;
using ServiceDefaults;

// `Retrainer train|bootstrap|evaluate …` trains or evaluates without starting the service.
if (RetrainerCommandLine.Handles(args))
    return await RetrainerCommandLine.RunAsync(args, Console.Out, CancellationToken.None);

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRetrainer();
builder.AddMessageBus();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServiceInfo(RetrainerService.Description);
app.MapRetrainer();
await app.RunAsync();
return 0;

/// <summary>The Retrainer service's entry point; public so tests can host it.</summary>
public partial class Program;
