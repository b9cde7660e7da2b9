using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace Waybill.Testing;

/// <summary>
/// A PostgreSQL server for tests and benchmarks.
/// <para>
/// When the environment variable <c>WAYBILL_TEST_POSTGRES</c> holds a connection string (a superuser on the
/// <c>postgres</c> database of an existing server), that server is used: nothing is started, and disposing drops
/// only the databases this instance created.
/// </para>
/// <para>
/// Otherwise a fresh cluster is made with the machine's PostgreSQL binaries (<c>WAYBILL_PG_BIN</c>, else the newest
/// <c>/usr/lib/postgresql/*/bin</c>, else <c>initdb</c>/<c>pg_ctl</c> on PATH) in a folder of its own under /tmp,
/// listening on 127.0.0.1 at a free port. When the process is root, the cluster runs as the <c>postgres</c> OS user.
/// Disposing stops it (<c>pg_ctl stop -m immediate</c>) and deletes the folder; a process-exit hook does the same
/// for an instance that was never disposed, and a later start removes clusters left behind by a killed process.
/// </para>
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string ExternalConnectionStringVariable = "WAYBILL_TEST_POSTGRES";
    private const string BinDirectoryVariable = "WAYBILL_PG_BIN";
    private const string FolderPrefix = "waybill-pg-";
    private const string OwnerFileName = "owner.pid";
    private const string OsUser = "postgres";
    private const int StartAttempts = 3;
    private const int StopTimeoutSeconds = 30;

    private static readonly Regex DatabaseNamePattern = new("^[A-Za-z0-9_]{1,63}$", RegexOptions.CultureInvariant);
    private static readonly string[] ReservedDatabaseNames = ["postgres", "template0", "template1"];

    private readonly PostgresTools? _tools;
    private readonly string? _root;
    private readonly string? _externalConnectionString;
    private readonly Lock _gate = new();
    private readonly Lock _stopGate = new();
    private readonly List<string> _createdDatabases = [];
    private readonly List<string> _issuedConnectionStrings = [];
    private readonly EventHandler? _processExitHandler;
    private readonly List<PosixSignalRegistration> _signalRegistrations = [];
    private string _adminConnectionString = string.Empty;
    private int _port;
    private bool _clusterStopped;
    private int _disposed;

    private ThrowawayPostgres(string externalConnectionString)
    {
        _externalConnectionString = externalConnectionString;
        _adminConnectionString = externalConnectionString;
    }

    private ThrowawayPostgres(PostgresTools tools, string root)
    {
        _tools = tools;
        _root = root;
        _processExitHandler = (_, _) => OnProcessExit();
        AppDomain.CurrentDomain.ProcessExit += _processExitHandler;

        // .NET does not raise ProcessExit when SIGTERM or SIGHUP ends the process (a CI timeout, a closed terminal):
        // stop the cluster then too, unless another handler already chose a graceful shutdown (which ends in
        // ProcessExit). SIGINT is left alone so a Ctrl+C handler of the host app keeps its database.
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            try
            {
                _signalRegistrations.Add(PosixSignalRegistration.Create(signal, OnTerminationSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // Nothing to hook on this platform; ProcessExit and the stale-cluster sweep remain.
            }
        }
    }

    /// <summary>Connects to the <c>postgres</c> database as a superuser.</summary>
    public string AdminConnectionString => _adminConnectionString;

    private string DataDirectory => Path.Combine(_root!, "data");

    private string SocketDirectory => Path.Combine(_root!, "sock");

    private string LogFile => Path.Combine(_root!, "postgres.log");

    /// <summary>
    /// Uses the server named by <c>WAYBILL_TEST_POSTGRES</c> when that is set; otherwise initialises and starts a
    /// fresh cluster in a temp folder.
    /// </summary>
    public static async Task<ThrowawayPostgres> StartAsync(CancellationToken cancellationToken = default)
    {
        var external = Environment.GetEnvironmentVariable(ExternalConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var shared = new ThrowawayPostgres(external.Trim());
            await shared.CheckExternalServerAsync(cancellationToken).ConfigureAwait(false);
            return shared;
        }

        var runAsPostgres = await IsRootAsync(cancellationToken).ConfigureAwait(false);
        var tools = PostgresTools.Find(runAsPostgres);
        RemoveStaleClusters(tools);

        var root = CreateRootFolder();
        ThrowawayPostgres instance;
        try
        {
            instance = new ThrowawayPostgres(tools, root);
        }
        catch
        {
            TryDeleteFolder(root);
            throw;
        }

        try
        {
            await instance.InitializeAndStartAsync(cancellationToken).ConfigureAwait(false);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Creates a fresh, empty database (dropping any database of that name first) and returns its connection string.
    /// The name may hold letters, digits and underscores; it is lower-cased.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!DatabaseNamePattern.IsMatch(name))
        {
            throw new ArgumentException(
                $"Database name '{name}' must be 1 to 63 letters, digits or underscores.", nameof(name));
        }

        var database = name.ToLowerInvariant();
        if (ReservedDatabaseNames.Contains(database, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Database name '{database}' is reserved.", nameof(name));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        // Pooled connections to a database that is about to be dropped would be broken when handed out again.
        // Only that database's pool is cleared: other tests' pools in this process keep their idle connections.
        var connectionString = ConnectionStringFor(database);
        ClearPools([connectionString]);

        var connection = new NpgsqlConnection(AdminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", cancellationToken)
                .ConfigureAwait(false);
            await ExecuteAsync(connection, $"CREATE DATABASE \"{database}\" TEMPLATE template0", cancellationToken)
                .ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (!_createdDatabases.Contains(database))
            {
                _createdDatabases.Add(database);
            }

            _issuedConnectionStrings.Add(connectionString);
        }

        return connectionString;
    }

    /// <summary>
    /// Stops the cluster (<c>pg_ctl stop -m immediate</c>) and deletes its folder; with <c>WAYBILL_TEST_POSTGRES</c>,
    /// drops the databases this instance created instead. Safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        string[] databases;
        string[] connectionStrings;
        lock (_gate)
        {
            databases = [.. _createdDatabases];
            connectionStrings = [.. _issuedConnectionStrings, _adminConnectionString];
        }

        if (_externalConnectionString is not null)
        {
            ClearPools(connectionStrings);
            await DropDatabasesAsync(databases).ConfigureAwait(false);
            return;
        }

        ClearPools(connectionStrings);
        await StopClusterAsync().ConfigureAwait(false);
        TryDeleteFolder(_root!);
        AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
        foreach (var registration in _signalRegistrations)
        {
            registration.Dispose();
        }
    }

    private string ConnectionStringFor(string database)
    {
        if (_externalConnectionString is not null)
        {
            return new NpgsqlConnectionStringBuilder(_externalConnectionString) { Database = database }.ConnectionString;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=100;Include Error Detail=true");
    }

    private async Task CheckExternalServerAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = new NpgsqlConnection(_externalConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or ArgumentException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Cannot connect to the PostgreSQL server named by {ExternalConnectionStringVariable}: {exception.Message}",
                exception);
        }
    }

    private async Task DropDatabasesAsync(string[] databases)
    {
        if (databases.Length == 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var connection = new NpgsqlConnection(_externalConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
                foreach (var database in databases)
                {
                    await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", timeout.Token)
                        .ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // Disposal is best effort: a server that went away has nothing left to drop.
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // The only variable part is a database name checked against ^[a-z0-9_]+$.
        var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void ClearPools(IEnumerable<string> connectionStrings)
    {
        foreach (var connectionString in connectionStrings.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal))
        {
            try
            {
                using var connection = new NpgsqlConnection(connectionString);
                NpgsqlConnection.ClearPool(connection);
            }
            catch (ArgumentException)
            {
                // Not a connection string Npgsql can parse: there is no pool to clear.
            }
        }
    }

    private async Task InitializeAndStartAsync(CancellationToken cancellationToken)
    {
        var tools = _tools!;
        if (SocketDirectory.Contains('\'', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The cluster folder '{_root}' must not contain a single quote.");
        }

        await tools.GiveToPostgresAsync(_root!, cancellationToken).ConfigureAwait(false);
        var initdb = await RunAsync(
            tools.Command(
                tools.InitDb,
                ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"],
                _root!),
            cancellationToken).ConfigureAwait(false);
        if (initdb.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"initdb failed with exit code {initdb.ExitCode} in {_root}.{Environment.NewLine}{initdb.Output}");
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = GetFreePort();
            var logStart = LogLength();
            var options = string.Create(
                CultureInfo.InvariantCulture,
                $"-c listen_addresses=127.0.0.1 -p {port} -k '{SocketDirectory}' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=600 -c shared_buffers=256MB");
            var start = await RunAsync(
                tools.Command(
                    tools.PgCtl,
                    ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options, "start"],
                    _root!),
                cancellationToken).ConfigureAwait(false);
            if (start.ExitCode == 0)
            {
                _port = port;
                _adminConnectionString = ConnectionStringFor("postgres");
                return;
            }

            // Whatever half-started must not linger before the next try.
            await StopClusterAsync().ConfigureAwait(false);
            lock (_stopGate)
            {
                _clusterStopped = false;
            }

            var log = ReadLog(logStart);
            if (attempt < StartAttempts && IsPortClash(log))
            {
                continue;
            }

            throw new InvalidOperationException(
                $"pg_ctl start failed with exit code {start.ExitCode} (port {port}, attempt {attempt} of {StartAttempts})."
                + $"{Environment.NewLine}{start.Output}{Environment.NewLine}--- tail of {LogFile} ---{Environment.NewLine}{Tail(log, 40)}");
        }
    }

    private static bool IsPortClash(string log) =>
        log.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
        || log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)
        || log.Contains("could not create any TCP/IP sockets", StringComparison.OrdinalIgnoreCase);

    private static int GetFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private long LogLength()
    {
        try
        {
            return File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private string ReadLog(long from)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (from > 0 && from <= stream.Length)
            {
                stream.Seek(from, SeekOrigin.Begin);
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"(log file {LogFile} could not be read: {exception.Message})";
        }
    }

    private static string Tail(string text, int lines)
    {
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    // Stopping is serialised: DisposeAsync, the process-exit hook and a signal may all try at once, and none of them
    // may delete the folder while another is still stopping the server in it.
    private Task StopClusterAsync() => Task.Run(StopCluster);

    private void StopCluster()
    {
        lock (_stopGate)
        {
            if (_clusterStopped)
            {
                return;
            }

            if (Directory.Exists(DataDirectory))
            {
                try
                {
                    Run(StopCommand(), TimeSpan.FromSeconds(StopTimeoutSeconds + 15));
                }
                catch (Exception exception) when (exception is Win32Exception or InvalidOperationException)
                {
                    // Fall through to killing the postmaster.
                }

                KillLeftoverPostmaster(DataDirectory);
            }

            _clusterStopped = true;
        }
    }

    private ProcessStartInfo StopCommand() =>
        _tools!.Command(
            _tools.PgCtl,
            ["-D", DataDirectory, "-m", "immediate", "-w", "-t", StopTimeoutSeconds.ToString(CultureInfo.InvariantCulture), "stop"],
            _root!);

    private void OnProcessExit()
    {
        StopCluster();
        TryDeleteFolder(_root!);
    }

    private void OnTerminationSignal(PosixSignalContext context)
    {
        if (!context.Cancel)
        {
            OnProcessExit();
        }
    }

    private static void KillLeftoverPostmaster(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        try
        {
            if (!File.Exists(pidFile))
            {
                return;
            }

            var firstLine = File.ReadLines(pidFile).FirstOrDefault();
            if (!int.TryParse(firstLine, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            {
                return;
            }

            using var process = Process.GetProcessById(pid);
            if (process.ProcessName is "postgres" or "postmaster")
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException
                                              or ArgumentException or InvalidOperationException
                                              or Win32Exception or NotSupportedException)
        {
            // Already gone, or not ours to kill.
        }
    }

    private static string CreateRootFolder()
    {
        var parent = OperatingSystem.IsWindows() ? Path.GetTempPath() : "/tmp";
        var root = Path.Combine(parent, FolderPrefix + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
        }
        else
        {
            Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            Directory.CreateDirectory(Path.Combine(root, "sock"));
            File.WriteAllText(Path.Combine(root, OwnerFileName), OwnerStamp(Environment.ProcessId) ?? string.Empty);
            return root;
        }
        catch
        {
            TryDeleteFolder(root);
            throw;
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                return;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100 * (attempt + 1));
            }
        }
    }

    // "pid starttime" where starttime is the process's start in clock ticks since boot (Linux), so a reused pid is
    // not mistaken for the process that made the folder.
    private static string? OwnerStamp(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 19
                ? string.Create(CultureInfo.InvariantCulture, $"{pid} {fields[19]}")
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Clusters whose owning process died without running its exit hook (killed, crashed) are stopped and removed.
    private static void RemoveStaleClusters(PostgresTools tools)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string[] folders;
        try
        {
            folders = Directory.GetDirectories("/tmp", FolderPrefix + "*");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var folder in folders)
        {
            try
            {
                var stamp = File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
                var pidText = stamp.Split(' ')[0];
                if (stamp.Length == 0
                    || !int.TryParse(pidText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
                    || OwnerStamp(pid) == stamp)
                {
                    continue; // Owner still alive, or nothing to judge by.
                }

                var dataDirectory = Path.Combine(folder, "data");
                if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
                {
                    Run(
                        tools.Command(tools.PgCtl, ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], folder),
                        TimeSpan.FromSeconds(45));
                    KillLeftoverPostmaster(dataDirectory);
                }

                TryDeleteFolder(folder);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException
                                                  or Win32Exception or InvalidOperationException)
            {
                // Not ours, or being cleaned by someone else.
            }
        }
    }

    private static async Task<bool> IsRootAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        if (Environment.UserName == "root")
        {
            return true;
        }

        try
        {
            var id = await RunAsync(Plain("id", ["-u"]), cancellationToken).ConfigureAwait(false);
            return id.ExitCode == 0 && id.StandardOutput.Trim() == "0";
        }
        catch (Win32Exception)
        {
            return false;
        }
    }

    private static ProcessStartInfo Plain(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        // English, stable messages (the port-clash check reads them).
        info.Environment["LC_ALL"] = "C";
        info.Environment["LANG"] = "C";
        return info;
    }

    private static async Task<ProcessResult> RunAsync(ProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = startInfo };
        process.Start();
        process.StandardInput.Close();
        var standardOutput = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var standardError = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            throw;
        }

        return new ProcessResult(
            process.ExitCode,
            await standardOutput.ConfigureAwait(false),
            await standardError.ConfigureAwait(false));
    }

    private static ProcessResult Run(ProcessStartInfo startInfo, TimeSpan timeout)
    {
        using var process = new Process { StartInfo = startInfo };
        process.Start();
        process.StandardInput.Close();
        var standardOutput = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var standardError = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (!process.WaitForExit(timeout))
        {
            TryKill(process);
            return new ProcessResult(-1, string.Empty, $"{startInfo.FileName} timed out after {timeout}.");
        }

        var pipesClosed = Task.WaitAll([standardOutput, standardError], TimeSpan.FromSeconds(5));
        return new ProcessResult(
            process.ExitCode,
            pipesClosed ? standardOutput.Result : string.Empty,
            pipesClosed ? standardError.Result : string.Empty);
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited.
        }
    }

    private sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Output => string.Join(
            Environment.NewLine,
            new[] { StandardOutput.TrimEnd(), StandardError.TrimEnd() }.Where(s => s.Length > 0));
    }

    /// <summary>Where initdb and pg_ctl are, and how to run them (directly, or as the postgres OS user when root).</summary>
    private sealed class PostgresTools
    {
        private readonly string? _runUser;
        private readonly string? _su;

        private PostgresTools(string initDb, string pgCtl, bool runAsPostgres)
        {
            InitDb = initDb;
            PgCtl = pgCtl;
            RunAsPostgres = runAsPostgres;
            if (runAsPostgres)
            {
                _runUser = FindExecutable("runuser", ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
                _su = _runUser is null ? FindExecutable("su", ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) : null;
                if (_runUser is null && _su is null)
                {
                    throw new InvalidOperationException(
                        "PostgreSQL refuses to run as root and neither runuser nor su was found to run it as the "
                        + $"'{OsUser}' user. Run the tests as another user, or set {ExternalConnectionStringVariable}.");
                }
            }
        }

        public string InitDb { get; }

        public string PgCtl { get; }

        public bool RunAsPostgres { get; }

        public static PostgresTools Find(bool runAsPostgres)
        {
            var initDbName = OperatingSystem.IsWindows() ? "initdb.exe" : "initdb";
            var pgCtlName = OperatingSystem.IsWindows() ? "pg_ctl.exe" : "pg_ctl";

            var configured = Environment.GetEnvironmentVariable(BinDirectoryVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                var directory = Path.GetFullPath(configured.Trim());
                if (IsFile(Path.Combine(directory, initDbName)) && IsFile(Path.Combine(directory, pgCtlName)))
                {
                    return new PostgresTools(Path.Combine(directory, initDbName), Path.Combine(directory, pgCtlName), runAsPostgres);
                }

                throw new InvalidOperationException(
                    $"{BinDirectoryVariable} is '{configured}', but that folder does not hold both {initDbName} and {pgCtlName}.");
            }

            const string debianRoot = "/usr/lib/postgresql";
            if (Directory.Exists(debianRoot))
            {
                var newest = Directory.GetDirectories(debianRoot)
                    .Select(folder => (Bin: Path.Combine(folder, "bin"), Version: ParseVersion(Path.GetFileName(folder))))
                    .Where(candidate => candidate.Version is not null
                                        && IsFile(Path.Combine(candidate.Bin, initDbName))
                                        && IsFile(Path.Combine(candidate.Bin, pgCtlName)))
                    .OrderByDescending(candidate => candidate.Version)
                    .FirstOrDefault();
                if (newest.Bin is not null)
                {
                    return new PostgresTools(Path.Combine(newest.Bin, initDbName), Path.Combine(newest.Bin, pgCtlName), runAsPostgres);
                }
            }

            var initDb = FindExecutable(initDbName, []);
            var pgCtl = FindExecutable(pgCtlName, []);
            if (initDb is not null && pgCtl is not null)
            {
                return new PostgresTools(initDb, pgCtl, runAsPostgres);
            }

            throw new InvalidOperationException(
                "No PostgreSQL server binaries (initdb and pg_ctl) were found in /usr/lib/postgresql/*/bin or on PATH. "
                + "Install the 'postgresql' Debian package (apt-get install -y postgresql), "
                + $"or set {BinDirectoryVariable} to the folder holding initdb and pg_ctl, "
                + $"or set {ExternalConnectionStringVariable} to the connection string of a running server "
                + "(a superuser on its 'postgres' database).");
        }

        /// <summary>Runs <paramref name="tool"/> directly, or as the postgres user when the process is root.</summary>
        public ProcessStartInfo Command(string tool, IReadOnlyList<string> arguments, string workingDirectory)
        {
            if (!RunAsPostgres)
            {
                return Plain(tool, arguments, workingDirectory);
            }

            if (_runUser is not null)
            {
                return Plain(_runUser, ["-u", OsUser, "--", tool, .. arguments], workingDirectory);
            }

            var script = string.Join(' ', new[] { tool }.Concat(arguments).Select(ShellQuote));
            return Plain(_su!, [OsUser, "-s", "/bin/sh", "-c", script], workingDirectory);
        }

        /// <summary>Hands <paramref name="folder"/> to the postgres user (when running as root).</summary>
        public async Task GiveToPostgresAsync(string folder, CancellationToken cancellationToken)
        {
            if (!RunAsPostgres)
            {
                return;
            }

            var chown = await RunAsync(Plain("chown", ["-R", OsUser, folder]), cancellationToken).ConfigureAwait(false);
            if (chown.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"chown -R {OsUser} {folder} failed with exit code {chown.ExitCode}: {chown.Output}. "
                    + $"Running PostgreSQL as root needs the '{OsUser}' OS user, which the postgresql Debian package creates.");
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(
                    folder,
                    UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
        }

        private static Version? ParseVersion(string text) =>
            Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var version)
                ? version
                : null;

        private static string? FindExecutable(string name, IEnumerable<string> preferredFolders)
        {
            var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
            return preferredFolders
                .Concat(path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                .Select(folder => Path.Combine(folder, name))
                .FirstOrDefault(IsFile);
        }

        // File.Exists is true for a dangling symlink (such as /usr/local/bin/initdb left behind by a removed package).
        private static bool IsFile(string path)
        {
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    return false;
                }

                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                return target is null || target.Exists;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static string ShellQuote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
