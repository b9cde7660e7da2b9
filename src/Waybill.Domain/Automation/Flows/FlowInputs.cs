using System.Text.Json.Nodes;

namespace Waybill.Domain.Automation.Flows;

/// <summary>
/// A step's input: literal JSON values, and strings starting with '=' that are JavaScript expressions, at any depth
/// (inside objects and arrays too). A literal string that must start with '=' is written with two: <c>"==5%"</c> is
/// the literal <c>"=5%"</c> — no JavaScript expression starts with '=', so the escape cannot hide one.
/// </summary>
public static class FlowInputs
{
    public const char ExpressionMark = '=';

    /// <summary>True when <paramref name="value"/> is an expression; <paramref name="expression"/> is then its text without the '='.</summary>
    public static bool IsExpression(string value, out string expression)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] == ExpressionMark && (value.Length == 1 || value[1] != ExpressionMark))
        {
            expression = value[1..];
            return true;
        }
        expression = "";
        return false;
    }

    /// <summary>The literal a non-expression string stands for: <c>"==x"</c> is <c>"=x"</c>, anything else itself.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.StartsWith("==", StringComparison.Ordinal) ? value[1..] : value;
    }

    /// <summary>How a literal string is written in a flow file so that it stays a literal.</summary>
    public static string Escape(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return literal.Length > 0 && literal[0] == ExpressionMark ? ExpressionMark + literal : literal;
    }

    /// <summary>
    /// The input with every expression evaluated against <paramref name="scope"/>: a new object, the step's own is
    /// left as it is. The first expression that fails throws its <see cref="FlowExpressionException"/>.
    /// </summary>
    public static JsonObject Resolve(JsonObject input, FlowScope scope, FlowExpressions expressions)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(expressions);
        return (JsonObject)ResolveNode(input, scope, expressions)!;
    }

    private static JsonNode? ResolveNode(JsonNode? node, FlowScope scope, FlowExpressions expressions)
    {
        switch (node)
        {
            case JsonObject obj:
                var resolved = new JsonObject();
                foreach (var (name, child) in obj) resolved[name] = ResolveNode(child, scope, expressions);
                return resolved;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var child in array) items.Add(ResolveNode(child, scope, expressions));
                return items;
            case JsonValue value when value.TryGetValue<string>(out var text):
                return IsExpression(text, out var expression)
                    ? expressions.EvaluateValue(expression, scope)
                    : JsonValue.Create(Literal(text));
            default:
                return node?.DeepClone();
        }
    }
}
