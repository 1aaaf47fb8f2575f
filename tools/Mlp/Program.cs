using Mlp;

// mlp: the platform's command line (docs/cli.md).
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, pressed) =>
{
    pressed.Cancel = true;
    interrupted.Cancel();
};
return await MlpCli.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, handler: null, interrupted.Token);
