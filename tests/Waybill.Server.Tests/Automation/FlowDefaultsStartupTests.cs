using Microsoft.AspNetCore.Hosting;
using Waybill.Server.Tests.Infrastructure;

namespace Waybill.Server.Tests.Automation;

/// <summary>A shipped default flow that does not parse stops the start, naming the file and the line.</summary>
public sealed class FlowDefaultsStartupTests
{
    private sealed class BrokenDefaultsServer(string folder) : SqliteServer
    {
        protected override void ConfigureHost(IWebHostBuilder web) => web.UseSetting("Flows:DefaultsFolder", folder);
    }

    [Fact]
    public async Task A_default_flow_that_does_not_parse_is_a_startup_error_naming_the_file_and_line()
    {
        var folder = Directory.CreateTempSubdirectory("waybill-flows-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "broken.yaml"),
                "name: broken\ntrigger: order.created\nsteps:\n  - id: ship\n    action: teleport\n");
            var server = new BrokenDefaultsServer(folder);
            var error = await Record.ExceptionAsync(server.InitializeAsync);
            await server.DisposeAsync();
            Assert.NotNull(error);
            var message = error.ToString();
            Assert.Contains("broken.yaml", message);
            Assert.Contains("line 5", message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
