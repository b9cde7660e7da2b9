using System.Globalization;
using Npgsql;

namespace Waybill.Bench.Inventory;

/// <summary>
/// CPU time used so far by a PostgreSQL cluster on this machine: its postmaster and every process it started (backends,
/// WAL writer, checkpointer, autovacuum…), read from <c>/proc</c>, exited children included (the postmaster's
/// <c>cutime</c>/<c>cstime</c>). Next to the server's CPU it shows who the two cores went to. Unknown (null) when the
/// cluster is not local or its <c>postmaster.pid</c> cannot be read.
/// </summary>
public static class PostgresCpu
{
    // USER_HZ, the unit of /proc/<pid>/stat times; 100 on every Linux .NET runs on.
    private const double TicksPerSecond = 100;

    public static async Task<Func<TimeSpan>?> ForClusterAsync(string adminConnectionString, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT current_setting('data_directory')", connection);
            var dataDirectory = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
            if (!File.Exists(pidFile))
            {
                return null;
            }

            var postmaster = int.Parse((await File.ReadAllLinesAsync(pidFile, cancellationToken))[0], CultureInfo.InvariantCulture);
            return Stat(postmaster) is null ? null : () => CpuOf(postmaster);
        }
        catch (Exception exception) when (exception is PostgresException or IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static TimeSpan CpuOf(int postmaster)
    {
        double ticks = 0;
        if (Stat(postmaster) is { } own)
        {
            ticks += own.UserAndSystem + own.ExitedChildren;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != postmaster
                && Stat(pid) is { } stat
                && stat.ParentPid == postmaster)
            {
                ticks += stat.UserAndSystem;
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static ProcStat? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null; // Gone meanwhile.
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid …": the command may hold spaces and parentheses, so fields are counted after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        static double Field(string[] fields, int number) => double.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new ProcStat((int)Field(fields, 4), Field(fields, 14) + Field(fields, 15), Field(fields, 16) + Field(fields, 17));
    }

    private readonly record struct ProcStat(int ParentPid, double UserAndSystem, double ExitedChildren);
}
