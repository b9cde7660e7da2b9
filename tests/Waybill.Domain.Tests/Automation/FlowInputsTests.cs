using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Automation.Flows;

namespace Waybill.Domain.Tests.Automation;

public class FlowInputsTests
{
    private static readonly FlowExpressions Expressions = new();

    [Fact]
    public void Expressions_are_evaluated_and_literals_kept_at_any_depth()
    {
        var input = JsonNode.Parse("""
            { "orderId": "=event.data.id", "reason": "Large order", "limit": 1000, "flag": false, "none": null,
              "nested": { "total": "=event.data.totals.grandTotalAmount * 2", "list": ["=event.type", "plain", 3] } }
            """)!.AsObject();
        var resolved = FlowInputs.Resolve(input, FlowExpressionsTests.OrderCreated(50m), Expressions);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "orderId": "ord_1", "reason": "Large order", "limit": 1000, "flag": false, "none": null,
              "nested": { "total": 100, "list": ["order.created", "plain", 3] } }
            """), resolved));
        Assert.Equal("=event.data.id", input["orderId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("==5% off", "=5% off")]
    [InlineData("===", "==")]
    [InlineData("a=b", "a=b")]
    [InlineData("", "")]
    public void Two_equals_signs_make_a_literal_starting_with_one(string written, string literal)
    {
        var resolved = FlowInputs.Resolve(new JsonObject { ["text"] = written }, FlowExpressionsTests.OrderCreated(), Expressions);
        Assert.Equal(literal, resolved["text"]!.GetValue<string>());
        Assert.Equal(written, FlowInputs.Escape(literal));
    }

    [Fact]
    public void A_failing_expression_fails_the_resolution()
    {
        var input = new JsonObject { ["orderId"] = "=event.data.nothing.id" };
        Assert.Throws<FlowExpressionException>(() => FlowInputs.Resolve(input, FlowExpressionsTests.OrderCreated(), Expressions));
    }

    [Property(MaxTest = 500)]
    public Property Literal_inputs_are_returned_unchanged() =>
        Prop.ForAll(Literals(), input =>
            JsonNode.DeepEquals(input, FlowInputs.Resolve(input, FlowExpressionsTests.OrderCreated(), Expressions)));

    [Property(MaxTest = 500)]
    public Property An_escaped_literal_resolves_to_itself() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), text =>
        {
            var resolved = FlowInputs.Resolve(new JsonObject { ["v"] = FlowInputs.Escape(text.Get) }, FlowExpressionsTests.OrderCreated(), Expressions);
            return resolved["v"]!.GetValue<string>() == text.Get;
        });

    /// <summary>Objects of literal JSON values; strings never start with '=', which would make them expressions.</summary>
    private static Arbitrary<JsonObject> Literals()
    {
        var text = ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get.TrimStart('='));
        var scalar = Gen.OneOf(
            text.Select(s => (JsonNode?)JsonValue.Create(s)),
            ArbMap.Default.GeneratorFor<long>().Select(n => (JsonNode?)JsonValue.Create(n)),
            ArbMap.Default.GeneratorFor<decimal>().Select(n => (JsonNode?)JsonValue.Create(n)),
            ArbMap.Default.GeneratorFor<bool>().Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Constant((JsonNode?)null));
        var names = Gen.Elements("a", "b", "orderId", "reason", "x y", "ünïcode", "");
        Gen<JsonObject> ObjectOf(Gen<JsonNode?> values) =>
            Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(Gen.Zip(names, values), n)).Select(pairs =>
            {
                var obj = new JsonObject();
                foreach (var pair in pairs) obj[pair.Item1] = pair.Item2?.DeepClone();
                return obj;
            });
        var level1 = Gen.OneOf(scalar, Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(scalar, n)).Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray())));
        var level2 = Gen.OneOf(level1, ObjectOf(level1).Select(o => (JsonNode?)o));
        return ObjectOf(level2).ToArbitrary();
    }
}
