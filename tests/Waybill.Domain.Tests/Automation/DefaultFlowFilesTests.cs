using System.Text.Json.Nodes;
using Waybill.Domain.Automation.Flows;
using Waybill.Domain.Automation.Fraud;

namespace Waybill.Domain.Tests.Automation;

/// <summary>The shipped flows in src/Waybill.Server/Flows parse, and the fraud flow steps the way domain.md says.</summary>
public class DefaultFlowFilesTests
{
    private static readonly FlowExpressions Expressions = new();

    private static string FlowsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Waybill.slnx"))) return Path.Combine(dir.FullName, "src", "Waybill.Server", "Flows");
        }
        throw new InvalidOperationException("The repository root (Waybill.slnx) was not found above " + AppContext.BaseDirectory);
    }

    private static FlowDefinition Load(string file)
    {
        var result = FlowParser.Parse(File.ReadAllText(Path.Combine(FlowsFolder(), file)), FlowParserTests.KnownActions);
        Assert.True(result.IsValid, file + ": " + string.Join("; ", result.Errors));
        return result.Definition!;
    }

    [Fact]
    public void Every_shipped_flow_file_parses_without_errors_and_is_named_after_its_file()
    {
        var files = Directory.GetFiles(FlowsFolder(), "*.yaml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var flow = Load(Path.GetFileName(file));
            Assert.Equal(Path.GetFileNameWithoutExtension(file), flow.Name);
            Assert.Equal(100, flow.Priority);
            Assert.True(flow.Enabled);
        }
    }

    [Fact]
    public void The_fraud_flow_carries_the_shipped_thresholds()
    {
        var flow = Load("order-created-fraud-check.yaml");
        Assert.True(flow.Matches("order.created"));
        var fraud = flow.Steps[0];
        Assert.Equal(("fraud", "fraud_check"), (fraud.Id, fraud.Action));
        var thresholds = FraudThresholds.FromStepInput(FlowInputs.Resolve(fraud.Input, Created(), Expressions));
        Assert.Equal(FraudThresholds.Default.MaxGrandTotal, thresholds.MaxGrandTotal);
        Assert.Equal(FraudThresholds.Default.MaxOrdersPerEmail, thresholds.MaxOrdersPerEmail);
        Assert.Equal(FraudThresholds.Default.MaxOrdersPerShippingAddressLine, thresholds.MaxOrdersPerShippingAddressLine);
        Assert.Equal(FraudThresholds.Default.WindowMinutes, thresholds.WindowMinutes);
        Assert.Empty(thresholds.BlockedEmails);
        Assert.Empty(thresholds.BlockedAddressLines);
    }

    [Theory]
    [InlineData(53.29, new[] { "fraud", "approve" })]
    [InlineData(25_000, new[] { "fraud", "hold", "fraud_exception" })]
    public void The_fraud_flow_approves_or_holds_and_raises_a_fraud_exception(decimal grandTotal, string[] ran)
    {
        var flow = Load("order-created-fraud-check.yaml");
        var scope = Created();
        var done = new List<string>();
        var inputs = new Dictionary<string, JsonObject>();
        // What the runner will do: each step runs when its 'when' holds; the fraud step's output is the assessment.
        foreach (var step in flow.Steps)
        {
            if (step.When is not null && !Expressions.EvaluateCondition(step.When, scope))
            {
                scope.RecordSkipped(step.Id!);
                continue;
            }
            var input = FlowInputs.Resolve(step.Input, scope, Expressions);
            inputs[step.Id!] = input;
            done.Add(step.Id!);
            scope.RecordOutput(step.Id!, step.Action == "fraud_check"
                ? new RuleBasedFraudCheck().Assess(
                    new FraudInput { GrandTotal = grandTotal, Currency = "USD", Email = "ana@example.com", RecentOrdersWithSameEmail = 1, BillingCountry = "US", ShipTos = [new("US", "1 Main St")] },
                    FraudThresholds.FromStepInput(input)).ToJson()
                : new JsonObject());
        }
        Assert.Equal(ran, done);
        Assert.All(inputs.Values, input => Assert.Equal("ord_1", input["orderId"]!.GetValue<string>()));
        if (inputs.TryGetValue("fraud_exception", out var exception))
        {
            Assert.Equal("fraud", exception["category"]!.GetValue<string>());
            Assert.Equal("Held by the fraud check (score 100): The grand total 25,000 USD is over 10,000.", exception["message"]!.GetValue<string>());
            Assert.Equal("Fraud check: The grand total 25,000 USD is over 10,000.", inputs["hold"]["reason"]!.GetValue<string>());
        }
    }

    [Fact]
    public void The_fraud_flows_on_error_step_reads_the_error()
    {
        var flow = Load("order-created-fraud-check.yaml");
        var onError = Assert.Single(flow.OnError);
        var input = FlowInputs.Resolve(onError.Input, Created().WithError("Cannot approve an order that is canceled.", "approve", "approve"), Expressions);
        Assert.Equal("flow", input["category"]!.GetValue<string>());
        Assert.Equal("Fraud check flow failed at approve (approve): Cannot approve an order that is canceled.", input["message"]!.GetValue<string>());
    }

    private static FlowScope Created() => FlowExpressionsTests.OrderCreated();
}

/// <summary>The YAML examples of docs/flows.md are valid flows (the second is a fragment, completed here).</summary>
public class FlowDocsExamplesTests
{
    [Fact]
    public void The_file_example_of_the_docs_parses()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Waybill.slnx"))) root = root.Parent!;
        var docs = File.ReadAllText(Path.Combine(root.FullName, "docs", "flows.md"));
        var blocks = docs.Split("```yaml\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();
        Assert.Equal(2, blocks.Count);
        var file = FlowParser.Parse(blocks[0], FlowParserTests.KnownActions);
        Assert.True(file.IsValid, string.Join("; ", file.Errors));
        Assert.Equal("event.data.customer.email != null", file.Definition!.Steps[0].When);
        var fragment = FlowParser.Parse("name: docs\ntrigger: order.created\n" + blocks[1], FlowParserTests.KnownActions);
        Assert.True(fragment.IsValid, string.Join("; ", fragment.Errors));
    }
}
