using System.Text.Json.Nodes;
using Waybill.Domain.Automation.Flows;

namespace Waybill.Domain.Tests.Automation;

public class FlowParserTests
{
    internal static readonly IReadOnlySet<string> KnownActions = new HashSet<string>(StringComparer.Ordinal)
    {
        "approve", "hold", "release_hold", "raise_process_exception", "resolve_process_exception", "send_webhook",
        "set_status", "wait", "fraud_check", "route", "route_backordered", "create_invoice", "ensure_funds", "ensure_refunds", "close_order",
    };

    // The example of domain.md "Flows", word for word.
    private const string DomainExample = """
        name: hold-large-orders
        description: Hold web orders over 1,000 for a manual check
        trigger: order.created            # an event type (api.md); "order.*" matches a family
        priority: 100                     # flows on one trigger run in ascending priority
        enabled: true
        condition: "event.data.totals.grandTotalAmount > 1000 && event.data.channel == 'web'"
        steps:
          - id: hold
            action: hold
            input:
              orderId: "=event.data.id"   # a string starting with '=' is a JavaScript expression
              reason: Large order         # anything else is a literal
        onError:
          - action: raise_process_exception
            input: { orderId: "=event.data.id", category: order_approval, severity: high, message: "=error.message" }
        """;

    private static FlowDefinition Valid(string text)
    {
        var result = FlowParser.Parse(text, KnownActions);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Definition!;
    }

    private static FlowParseError Single(string text)
    {
        var result = FlowParser.Parse(text, KnownActions);
        Assert.False(result.IsValid);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void The_domain_example_parses_into_its_definition()
    {
        var flow = Valid(DomainExample);
        Assert.Equal("hold-large-orders", flow.Name);
        Assert.Equal("Hold web orders over 1,000 for a manual check", flow.Description);
        Assert.Equal("order.created", flow.Trigger);
        Assert.Equal(100, flow.Priority);
        Assert.True(flow.Enabled);
        Assert.Equal("event.data.totals.grandTotalAmount > 1000 && event.data.channel == 'web'", flow.Condition);
        var hold = Assert.Single(flow.Steps);
        Assert.Equal(("hold", "hold", (string?)null), (hold.Id, hold.Action, hold.When));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "orderId": "=event.data.id", "reason": "Large order" }"""), hold.Input));
        var onError = Assert.Single(flow.OnError);
        Assert.Null(onError.Id);
        Assert.Equal("raise_process_exception", onError.Action);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{ "orderId": "=event.data.id", "category": "order_approval", "severity": "high", "message": "=error.message" }"""),
            onError.Input));
    }

    [Fact]
    public void A_flow_without_priority_or_enabled_is_enabled_at_priority_100()
    {
        var flow = Valid("""
            name: minimal
            trigger: order.approved
            steps:
              - { id: a, action: approve }
            """);
        Assert.Equal(100, flow.Priority);
        Assert.True(flow.Enabled);
        Assert.Null(flow.Condition);
        Assert.Empty(flow.OnError);
        Assert.Empty(flow.Steps[0].Input);
    }

    [Fact]
    public void Literal_inputs_keep_their_yaml_types()
    {
        var flow = Valid("""
            name: types
            trigger: order.created
            steps:
              - id: s
                action: send_webhook
                input: { count: 5, amount: 10000.50, negative: -3, flag: true, nothing: null, quoted: "5", text: hello, list: [1, two], nested: { a: { b: "=1 + 1" } } }
            """);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{ "count": 5, "amount": 10000.50, "negative": -3, "flag": true, "nothing": null, "quoted": "5", "text": "hello", "list": [1, "two"], "nested": { "a": { "b": "=1 + 1" } } }"""),
            flow.Steps[0].Input));
    }

    [Fact]
    public void The_same_flow_as_json_parses_with_json_types()
    {
        var flow = Valid("""
            {
              "name": "hold-large-orders",
              "trigger": "order.*",
              "priority": 5,
              "enabled": false,
              "condition": "event.data.totals.grandTotalAmount > 1000",
              "steps": [
                { "id": "hold", "action": "hold", "input": { "orderId": "=event.data.id", "reason": "Large order", "n": 2, "s": "2" } }
              ]
            }
            """);
        Assert.Equal("order.*", flow.Trigger);
        Assert.Equal(5, flow.Priority);
        Assert.False(flow.Enabled);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{ "orderId": "=event.data.id", "reason": "Large order", "n": 2, "s": "2" }"""), flow.Steps[0].Input));
    }

    [Fact]
    public void Json_errors_name_the_line_too()
    {
        var error = Single("""
            {
              "name": "x",
              "trigger": "order.created",
              "steps": [
                { "id": "a", "action": "approve" },
                { "id": "b", "action": "teleport" }
              ]
            }
            """);
        Assert.Equal(6, error.Line);
        Assert.Equal("steps[1].action", error.Field);
        Assert.Contains("'teleport' is not an action", error.Reason);

        var condition = Single("""
            {
              "name": "x",
              "trigger": "order.created",
              "condition": "event.data.total >",
              "steps": [ { "id": "a", "action": "approve" } ]
            }
            """);
        Assert.Equal(4, condition.Line);
        Assert.Equal("condition", condition.Field);
    }

    [Fact]
    public void Yaml_that_does_not_parse_is_reported_with_its_line()
    {
        var error = Single("""
            name: broken
            trigger: order.created
            steps:
              - id: a
                action: approve
                input: { orderId: "=event.data.id"
            """);
        Assert.True(error.Line >= 6, error.ToString());
        Assert.StartsWith("Not valid YAML or JSON", error.Reason);

        var json = Single("""
            { "name": "x",
              "trigger": "order.created",, }
            """);
        Assert.Equal(2, json.Line);
    }

    [Fact]
    public void Missing_name_trigger_and_steps_are_each_reported()
    {
        var result = FlowParser.Parse("description: nothing else\n", KnownActions);
        Assert.False(result.IsValid);
        Assert.Equal(3, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal(1, e.Line));
        Assert.Contains(result.Errors, e => e.Field == "name" && e.Reason == "'name' is required.");
        Assert.Contains(result.Errors, e => e.Field == "trigger");
        Assert.Contains(result.Errors, e => e.Field == "steps");
    }

    [Theory]
    [InlineData("order.created")]
    [InlineData("process_exception.resolved")]
    [InlineData("fulfillment_order.lines_rejected")]
    [InlineData("order.*")]
    [InlineData("inventory.*")]
    public void Event_types_and_families_are_triggers(string trigger) =>
        Valid($"name: t\ntrigger: {trigger}\nsteps: [{{ id: a, action: approve }}]\n");

    [Theory]
    [InlineData("order.create")]
    [InlineData("order")]
    [InlineData("*")]
    [InlineData("orders.*")]
    [InlineData("order.created.*")]
    [InlineData("ORDER.CREATED")]
    public void Anything_else_is_not_a_trigger(string trigger)
    {
        var error = Single($"name: t\nsteps: [{{ id: a, action: approve }}]\ntrigger: \"{trigger}\"\n");
        Assert.Equal((3, 10, "trigger"), (error.Line, error.Column, error.Field));
    }

    [Fact]
    public void Duplicate_step_ids_are_reported_at_the_second()
    {
        var error = Single("""
            name: dup
            trigger: order.created
            steps:
              - id: same
                action: approve
              - id: same
                action: hold
            onError:
              - id: other
                action: raise_process_exception
            """);
        Assert.Equal((6, 9, "steps[1].id"), (error.Line, error.Column, error.Field));
        Assert.Contains("used twice", error.Reason);
    }

    [Fact]
    public void Steps_need_an_id_but_on_error_steps_may_omit_it()
    {
        var error = Single("""
            name: ids
            trigger: order.created
            steps:
              - action: approve
            onError:
              - action: raise_process_exception
            """);
        Assert.Equal((4, 5, "steps[0].id"), (error.Line, error.Column, error.Field));
    }

    [Fact]
    public void An_unknown_action_is_reported_with_the_known_ones()
    {
        var error = Single("""
            name: unknown
            trigger: order.created
            steps:
              - id: a
                action: launch_rocket
            """);
        Assert.Equal((5, 13), (error.Line, error.Column));
        Assert.Contains("approve, close_order, create_invoice, ensure_funds, ensure_refunds, fraud_check, hold", error.Reason);
    }

    [Fact]
    public void An_input_expression_that_does_not_compile_is_reported_at_its_line_and_column()
    {
        var error = Single("""
            name: bad-expression
            trigger: order.created
            steps:
              - id: a
                action: hold
                input:
                  orderId: "=event.data.id"
                  reason: "=event.data.id +* 2"
            """);
        Assert.Equal("steps[0].input.reason", error.Field);
        Assert.Equal(8, error.Line);
        // The expression starts at column 17 (after 'reason: "='); the bad '*' is its 16th character.
        Assert.Equal(32, error.Column);
        Assert.Contains("does not compile", error.Reason);
    }

    [Fact]
    public void A_condition_and_a_when_that_do_not_compile_are_reported()
    {
        var result = FlowParser.Parse("""
            name: bad-conditions
            trigger: order.created
            condition: event.data.total > > 3
            steps:
              - id: a
                action: approve
                when: |
                  steps.x.output &&
                  (
            """, KnownActions);
        Assert.Equal(2, result.Errors.Count);
        Assert.Equal((3, "condition"), (result.Errors[0].Line, result.Errors[0].Field));
        Assert.StartsWith("The condition does not compile", result.Errors[0].Reason);
        Assert.Equal("steps[0].when", result.Errors[1].Field);
        Assert.True(result.Errors[1].Line >= 8, result.Errors[1].ToString());
    }

    [Theory]
    [InlineData("1; 2")]
    [InlineData("a) ; (b")]
    [InlineData("let x = 1")]
    [InlineData("010")]
    public void Only_one_expression_compiles(string expression)
    {
        var error = Single($"name: x\ntrigger: order.created\ncondition: \"{expression}\"\nsteps: [{{ id: a, action: approve }}]\n");
        Assert.Equal((3, "condition"), (error.Line, error.Field));
    }

    [Theory]
    [InlineData("priority: high")]
    [InlineData("priority: 1.5")]
    [InlineData("priority: \"100\"")]
    public void Priority_must_be_a_whole_number(string line)
    {
        var error = Single($"name: p\ntrigger: order.created\n{line}\nsteps: [{{ id: a, action: approve }}]\n");
        Assert.Equal((3, "priority"), (error.Line, error.Field));
    }

    [Fact]
    public void A_literal_string_starting_with_two_equals_signs_is_not_checked_as_an_expression()
    {
        var flow = Valid("""
            name: escaped
            trigger: order.created
            steps:
              - id: a
                action: hold
                input: { reason: "==not JavaScript at all (" }
            """);
        Assert.Equal("==not JavaScript at all (", flow.Steps[0].Input["reason"]!.GetValue<string>());
    }

    [Fact]
    public void Unknown_fields_are_refused_so_a_typo_is_not_ignored()
    {
        var error = Single("""
            name: typo
            trigger: order.created
            condtion: "true"
            steps: [{ id: a, action: approve }]
            """);
        Assert.Equal((3, 1, "condtion"), (error.Line, error.Column, error.Field));
    }

    [Fact]
    public void Aliases_are_refused()
    {
        var error = Single("""
            name: alias
            trigger: order.created
            steps:
              - &s { id: a, action: approve }
              - *s
            """);
        Assert.Contains("aliases", error.Reason);
    }

    [Fact]
    public void Empty_files_and_non_mappings_are_errors()
    {
        Assert.Equal(1, Single("").Line);
        Assert.Equal(1, Single("# only a comment\n").Line);
        Assert.Contains("mapping", Single("- a\n- b\n").Reason);
    }

    [Fact]
    public void Duplicate_keys_are_an_error_not_a_crash()
    {
        var result = FlowParser.Parse("name: a\nname: b\ntrigger: order.created\nsteps: [{ id: a, action: approve }]\n", KnownActions);
        Assert.False(result.IsValid);
        Assert.Equal(2, result.Errors[0].Line);
    }

    [Theory]
    [InlineData("order.*", "order.created", true)]
    [InlineData("order.*", "order.status_changed", true)]
    [InlineData("order.*", "fulfillment_order.created", false)]
    [InlineData("order.created", "order.created", true)]
    [InlineData("order.created", "order.approved", false)]
    [InlineData("shipment.*", "shipment.delivered", true)]
    public void Matches_is_exact_or_by_family(string trigger, string eventType, bool matches)
    {
        var flow = Valid($"name: m\ntrigger: \"{trigger}\"\nsteps: [{{ id: a, action: approve }}]\n");
        Assert.Equal(matches, flow.Matches(eventType));
    }

    [Fact]
    public void A_step_input_cannot_be_changed_through_the_definition()
    {
        var flow = Valid(DomainExample);
        flow.Steps[0].Input["reason"] = "changed";
        Assert.Equal("Large order", flow.Steps[0].Input["reason"]!.GetValue<string>());
    }
}
