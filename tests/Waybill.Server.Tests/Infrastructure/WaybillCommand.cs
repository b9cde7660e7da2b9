using System.Diagnostics;

namespace Waybill.Server.Tests.Infrastructure;

/// <summary>Runs the real <c>waybill</c> executable (this build's waybill.dll) with a subcommand, to its end.</summary>
public static class WaybillCommand
{
    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}{Environment.NewLine}{Output}{Error}";
    }

    public static async Task<Outcome> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Outcome(process.ExitCode, await output, await error);
    }
}
