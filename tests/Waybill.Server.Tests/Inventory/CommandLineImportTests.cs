using System.Net;
using System.Text.RegularExpressions;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Inventory;

/// <summary>
/// <c>waybill import &lt;file&gt; --mode …</c> (api.md "Running"), run as the real executable against the database a server
/// is using: the stock changes, the import is recorded like one sent through the API, and a second run of the same file
/// changes nothing.
/// </summary>
public abstract partial class CommandLineImportTests(WaybillServer server) : IDisposable
{
    private readonly HttpClient _admin = server.Client();
    private readonly string _folder = Directory.CreateTempSubdirectory("waybill-cli-import-").FullName;

    [Fact]
    public async Task A_file_is_applied_and_recorded_and_its_second_run_changes_nothing()
    {
        var location = await _admin.PutLocation();
        var (a, b) = (MasterData.NewCode("CLI"), MasterData.NewCode("CLI"));
        var run = MasterData.NewCode("C");
        var file = Path.Combine(_folder, "stock.ndjson");
        await File.WriteAllTextAsync(file, StockImports.Lines(
            StockImports.Record($"{run}-1", location, a, 7, safetyStock: 1),
            StockImports.Record($"{run}-2", "NO-SUCH-PLACE", a, 3),
            StockImports.Record($"{run}-3", location, b, 12)));

        var first = await WaybillCommand.RunAsync("import", file, "--mode", "delta", "--database", server.Database);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("completed: 2 applied, 0 already applied, 1 bad lines", first.Output, StringComparison.Ordinal);
        Assert.Contains("line 2 (" + run + "-2): location 'NO-SUCH-PLACE' does not exist", first.Output, StringComparison.Ordinal);
        Assert.Equal(7, (await _admin.AvailabilityRow(a, location: location))["onHand"]!.GetValue<long>());
        Assert.Equal(12, (await _admin.AvailabilityRow(b, location: location))["onHand"]!.GetValue<long>());
        Assert.Equal(12, (await _admin.AvailabilityRow(b, group: "all"))["onHand"]!.GetValue<long>());
        var id = ImportId().Match(first.Output).Groups[1].Value;
        var recorded = await (await _admin.GetAsync($"/api/v1/inventory/imports/{id}")).Expect(HttpStatusCode.OK);
        Assert.True(recorded["status"].Str() == "completed" && recorded["recordsApplied"]!.GetValue<long>() == 2 && recorded["errorCount"]!.GetValue<long>() == 1,
            recorded.ToJsonString());
        Assert.True(File.Exists(file), "the operator's file is the operator's: the import works on a copy");

        var again = await WaybillCommand.RunAsync("import", file, "--mode", "delta", "--database", server.Database);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("completed: 0 applied, 2 already applied, 1 bad lines", again.Output, StringComparison.Ordinal);
        Assert.Equal(7, (await _admin.AvailabilityRow(a, location: location))["onHand"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("--mode is required", "{0}")]
    [InlineData("--mode is full or delta, not 'sometimes'", "{0}", "--mode", "sometimes")]
    [InlineData("the file to import is missing", "--mode", "delta")]
    [InlineData("does not exist", "/no/such/file.ndjson", "--mode", "delta")]
    [InlineData("--format is required", "{1}", "--mode", "delta")]
    public async Task Wrong_arguments_exit_with_2_and_say_what_is_wrong(string message, params string[] args)
    {
        var ndjson = Path.Combine(_folder, "stock.ndjson");
        var unnamed = Path.Combine(_folder, "stock.txt");
        await File.WriteAllTextAsync(ndjson, "");
        await File.WriteAllTextAsync(unnamed, "");
        string[] command = ["import", .. args.Select(a => string.Format(System.Globalization.CultureInfo.InvariantCulture, a, ndjson, unnamed)), "--database", server.Database];

        var outcome = await WaybillCommand.RunAsync(command);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains(message, outcome.Error, StringComparison.Ordinal);
        Assert.Contains("usage: waybill import", outcome.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [GeneratedRegex("^Import ([0-9a-f]+) ", RegexOptions.Multiline)]
    private static partial Regex ImportId();
}

public sealed class CommandLineImportOnSqlite(SqliteServer server) : CommandLineImportTests(server), IClassFixture<SqliteServer>;

public sealed class CommandLineImportOnPostgres(PostgresServer server) : CommandLineImportTests(server), IClassFixture<PostgresServer>;
