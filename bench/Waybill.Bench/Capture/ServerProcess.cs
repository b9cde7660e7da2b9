using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Waybill.Bench.Capture;

/// <summary>
/// Waybill running as a separate process (<c>dotnet waybill.dll</c>), as in production: its memory, GC and
/// thread pool are its own, and the bench measures it only through HTTP and /proc.
/// The process is killed when this object is disposed, and — as a backstop for Ctrl+C, SIGTERM and crashes —
/// when the bench process exits, so a run never leaves a server behind.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int LogTailLines = 40;

    // Every server still running, so the exit hooks below can kill them whatever path the bench leaves by.
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process process;
    private readonly StreamWriter log;
    private readonly ConcurrentQueue<string> tail = new();
    private readonly CancellationTokenSource samplerStop = new();
    private readonly Task sampler;
    private long maxSampledRssKb;

    static ServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
    }

    private ServerProcess(Process process, StreamWriter log, string logPath, Uri baseAddress, string apiKey)
    {
        this.process = process;
        this.log = log;
        LogPath = logPath;
        BaseAddress = baseAddress;
        ApiKey = apiKey;
        Exited = process.WaitForExitAsync();
        sampler = SampleRssAsync(samplerStop.Token);
    }

    public Uri BaseAddress { get; }

    /// <summary>The bootstrap API key the server was started with; the load uses it as its bearer token.</summary>
    public string ApiKey { get; }

    public int ProcessId => process.Id;

    /// <summary>Where the server's stdout and stderr go.</summary>
    public string LogPath { get; }

    /// <summary>Completes if the server exits, e.g. crashes mid-run.</summary>
    public Task Exited { get; }

    /// <summary>The folder holding Waybill.slnx, looking up from the current directory (then from the bench's own binaries).</summary>
    public static string? FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Waybill.slnx")))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The server every command runs: the one given with <c>--server</c> (never built), or the repository's Release
    /// build (built if missing). Null, with the reason on stderr, when there is none (the commands exit with 2).
    /// </summary>
    public static async Task<string?> ResolveServerDllAsync(string? given, string? repoRoot, CancellationToken cancellationToken)
    {
        if (given is not null)
        {
            var serverDll = Path.GetFullPath(given);
            if (File.Exists(serverDll)) return serverDll;
            Console.Error.WriteLine($"error: --server {serverDll} does not exist.");
            return null;
        }

        if (repoRoot is null)
        {
            Console.Error.WriteLine("error: no Waybill.slnx above the current directory; run from the repository or pass --server.");
            return null;
        }

        var built = DefaultServerDll(repoRoot);
        await EnsureBuiltAsync(repoRoot, built, cancellationToken);
        return built;
    }

    /// <summary>The default server dll: the Release build inside the repository.</summary>
    public static string DefaultServerDll(string repoRoot) =>
        Path.Combine(repoRoot, "src", "Waybill.Server", "bin", "Release", "net10.0", "waybill.dll");

    /// <summary>Builds the server in Release if its dll is missing (only for the default path).</summary>
    public static async Task EnsureBuiltAsync(string repoRoot, string serverDll, CancellationToken cancellationToken)
    {
        if (File.Exists(serverDll))
        {
            return;
        }

        Console.WriteLine($"{serverDll} is missing: building the server (dotnet build -c Release src/Waybill.Server)...");
        var build = new ProcessStartInfo("dotnet") { WorkingDirectory = repoRoot, UseShellExecute = false };
        foreach (var argument in new[] { "build", "-c", "Release", Path.Combine("src", "Waybill.Server") })
        {
            build.ArgumentList.Add(argument);
        }

        using var process = Process.Start(build) ?? throw new InvalidOperationException("Could not start dotnet build.");
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0 || !File.Exists(serverDll))
        {
            throw new InvalidOperationException($"Building the server failed (exit code {process.ExitCode}) or did not produce {serverDll}.");
        }
    }

    /// <summary>
    /// Starts the server on a free loopback port with a fresh random API key and waits until
    /// <c>GET /health/ready</c> answers 200. <paramref name="environment"/> adds settings (e.g. <c>Inventory__ImportBatchSize</c>).
    /// </summary>
    private const string ServerEnvironmentPrefix = "WAYBILL_BENCH_SERVER_ENV_";

    public static async Task<ServerProcess> StartAsync(
        string serverDll, string databaseConnection, string workDirectory, TimeSpan readyTimeout, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var apiKey = "wbk_bench_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(serverDll))!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(serverDll);

        // Port variables from the bench's own environment would add listeners we do not know about.
        foreach (var name in new[] { "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "HTTP_PORTS", "HTTPS_PORTS", "DOTNET_URLS" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["WAYBILL_BOOTSTRAP_API_KEY"] = apiKey;
        start.Environment["WAYBILL_DATABASE"] = databaseConnection;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // For profiling: WAYBILL_BENCH_SERVER_ENV_<NAME>=<value> in the bench's environment sets <NAME> for the server
        // only (e.g. DOTNET_JitStdOutFile), so runtime diagnostics do not mix the bench's output with the server's.
        foreach (var entry in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>())
        {
            if (entry.Key is string key && key.StartsWith(ServerEnvironmentPrefix, StringComparison.Ordinal))
            {
                start.Environment[key[ServerEnvironmentPrefix.Length..]] = entry.Value as string;
            }
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var logPath = Path.Combine(workDirectory, "server.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        ServerProcess? server = null;
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException("Could not start the server process.");
            }

            Running[process.Id] = process;
            server = new ServerProcess(process, log, logPath, baseAddress, apiKey);
            process.OutputDataReceived += (_, e) => server.OnOutput(e.Data);
            process.ErrorDataReceived += (_, e) => server.OnOutput(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            await server.WaitUntilReadyAsync(readyTimeout, cancellationToken);
            return server;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            else
            {
                KillQuietly(process);
                process.Dispose();
                await log.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Peak memory so far: the kernel's high-water mark (VmHWM, which catches spikes between samples) and
    /// the highest VmRSS seen by the 250 ms sampler.
    /// </summary>
    public ServerMemory ReadMemory()
    {
        var status = ReadProcStatus(process.Id);
        var hwm = status is null ? 0 : ParseKb(status, "VmHWM:");
        var rss = status is null ? 0 : ParseKb(status, "VmRSS:");
        var sampled = Math.Max(Interlocked.Read(ref maxSampledRssKb), rss);
        return new ServerMemory(Math.Round(hwm / 1024.0, 1), Math.Round(sampled / 1024.0, 1));
    }

    /// <summary>CPU time (user + system) the server has used so far; zero once it is gone.</summary>
    public TimeSpan CpuTime()
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>The error for a server that died while the load ran.</summary>
    public InvalidOperationException ExitedDuringRun() => new(
        $"The server exited with code {(process.HasExited ? process.ExitCode.ToString(CultureInfo.InvariantCulture) : "?")} during the run. "
        + $"Its last output ({LogPath}):{Environment.NewLine}{Tail()}");

    /// <summary>The last lines the server printed, for error messages.</summary>
    public string Tail() => string.Join(Environment.NewLine, tail);

    /// <summary>Kills the server (and anything it started) and waits for it to be gone.</summary>
    public async ValueTask DisposeAsync()
    {
        await samplerStop.CancelAsync();
        KillQuietly(process);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"warning: server process {process.Id} did not exit within 10 s of being killed.");
            }
        }

        Running.TryRemove(process.Id, out _);
        try
        {
            await sampler;
        }
        catch (OperationCanceledException)
        {
        }

        process.Dispose();
        samplerStop.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var lastAnswer = "no answer yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The server exited with code {process.ExitCode} before it was ready. Its last output ({LogPath}):{Environment.NewLine}{Tail()}");
            }

            try
            {
                using var response = await probe.GetAsync("health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                lastAnswer = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException exception)
            {
                lastAnswer = exception.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastAnswer = "timed out";
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException(
                    $"GET {BaseAddress}health/ready did not answer 200 within {timeout.TotalSeconds:F0} s (last: {lastAnswer}). "
                    + $"The server's last output ({LogPath}):{Environment.NewLine}{Tail()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task SampleRssAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            do
            {
                var status = ReadProcStatus(process.Id);
                if (status is null)
                {
                    return;
                }

                var rss = ParseKb(status, "VmRSS:");
                if (rss > Interlocked.Read(ref maxSampledRssKb))
                {
                    Interlocked.Exchange(ref maxSampledRssKb, rss);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        tail.Enqueue(line);
        while (tail.Count > LogTailLines && tail.TryDequeue(out _))
        {
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The last lines can race the dispose after a kill; they are not worth keeping.
            }
        }
    }

    private static string? ReadProcStatus(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (IOException)
        {
            return null; // The process is gone.
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long ParseKb(string status, string field)
    {
        foreach (var line in status.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var value = line[field.Length..].Trim();
                var space = value.IndexOf(' ');
                return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    // Binding port 0 asks the kernel for a free port; it is released for the server to take. Another process
    // could grab it in between, which would surface as a startup failure, not a wrong measurement.
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            KillQuietly(process);
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting as we tried.
        }
    }
}

/// <summary>Server memory in MB: kernel high-water mark (VmHWM) and the highest sampled VmRSS.</summary>
public sealed record ServerMemory(double PeakRssMb, double MaxSampledRssMb);
