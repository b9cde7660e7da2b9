using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Waybill.Domain.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Waybill.Domain.Automation.Flows;

/// <summary>One problem of a flow file: where it is (1-based line and column), which field, and why.</summary>
public sealed record FlowParseError(int Line, int Column, string Field, string Reason)
{
    public override string ToString() => $"line {Line}, column {Column}: {Reason}";
}

/// <summary>Either the definition, or every problem found (a merchant fixes a file in one go).</summary>
public sealed record FlowParseResult(FlowDefinition? Definition, IReadOnlyList<FlowParseError> Errors)
{
    public bool IsValid => Definition is not null;
}

/// <summary>
/// Reads a flow file — YAML, or the same structure as JSON (JSON is read as YAML, so one reader and the same line
/// numbers serve both) — and checks it: fields, trigger, step ids, actions and every expression.
/// </summary>
public static partial class FlowParser
{
    private static readonly string[] FlowFields = ["name", "description", "trigger", "priority", "enabled", "condition", "steps", "onError"];
    private static readonly string[] StepFields = ["id", "action", "when", "input"];

    public static FlowParseResult Parse(string text, IReadOnlySet<string> knownActions)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(knownActions);
        var reader = new Reader(knownActions);
        var definition = reader.Read(text);
        var errors = reader.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
        return errors.Count == 0 ? new FlowParseResult(definition, []) : new FlowParseResult(null, errors);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex StepIdPattern();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    private sealed class Reader(IReadOnlySet<string> knownActions)
    {
        private readonly HashSet<string> _stepIds = new(StringComparer.Ordinal);

        public List<FlowParseError> Errors { get; } = [];

        public FlowDefinition? Read(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                Errors.Add(new FlowParseError(1, 1, "", "The flow file is empty."));
                return null;
            }
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                Errors.Add(new FlowParseError(Line(e.Start), Column(e.Start), "", "Not valid YAML or JSON: " + Reason(e)));
                return null;
            }
            if (stream.Documents.Count == 0)
            {
                Errors.Add(new FlowParseError(1, 1, "", "The flow file is empty."));
                return null;
            }
            if (stream.Documents.Count > 1)
            {
                var second = stream.Documents[1].RootNode;
                Errors.Add(At(second, "", "A flow file holds one flow; this is a second YAML document."));
                return null;
            }
            var root = stream.Documents[0].RootNode;
            if (!NoAliases(root, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance))) return null;
            if (root is not YamlMappingNode flow)
            {
                Errors.Add(At(root, "", "A flow file is a mapping of name, trigger, steps, …"));
                return null;
            }
            return ReadFlow(flow);
        }

        private FlowDefinition? ReadFlow(YamlMappingNode flow)
        {
            var fields = Fields(flow, "", FlowFields);
            var name = RequiredString(flow, fields, "name", "");
            if (name is not null && !Codes.IsWellFormed(name))
                Errors.Add(At(fields["name"], "name", $"A flow name is 1 to {Codes.MaxLength} characters of letters, digits, '_', '.' and '-'."));
            var description = OptionalString(fields, "description", "");
            var trigger = RequiredString(flow, fields, "trigger", "");
            if (trigger is not null && !FlowEventTypes.IsValidTrigger(trigger))
                Errors.Add(At(fields["trigger"], "trigger",
                    $"'{trigger}' is not an event type (order.created, shipment.delivered, … as in the API) nor a family such as order.*."));
            var priority = OptionalInteger(fields, "priority", "") ?? FlowDefinition.DefaultPriority;
            var enabled = OptionalBoolean(fields, "enabled", "") ?? true;
            var condition = OptionalExpression(fields, "condition", "");
            var steps = fields.TryGetValue("steps", out var stepsNode)
                ? ReadSteps(stepsNode, "steps", idRequired: true)
                : Missing(flow, "steps");
            var onError = fields.TryGetValue("onError", out var onErrorNode) && !IsNull(onErrorNode)
                ? ReadSteps(onErrorNode, "onError", idRequired: false)
                : [];
            if (Errors.Count > 0 || name is null || trigger is null) return null;
            return new FlowDefinition
            {
                Name = name, Description = description, Trigger = trigger, Priority = priority, Enabled = enabled,
                Condition = condition, Steps = steps, OnError = onError,
            };
        }

        private List<FlowStep> Missing(YamlMappingNode flow, string field)
        {
            Errors.Add(At(flow, field, $"'{field}' is required."));
            return [];
        }

        private List<FlowStep> ReadSteps(YamlNode node, string path, bool idRequired)
        {
            var steps = new List<FlowStep>();
            if (node is not YamlSequenceNode sequence)
            {
                Errors.Add(At(node, path, $"'{path}' is a list of steps."));
                return steps;
            }
            if (idRequired && sequence.Children.Count == 0) Errors.Add(At(node, path, $"'{path}' needs at least one step."));
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var stepPath = $"{path}[{i}]";
                if (sequence.Children[i] is not YamlMappingNode stepNode)
                {
                    Errors.Add(At(sequence.Children[i], stepPath, "A step is a mapping of id, action, input (and when)."));
                    continue;
                }
                if (ReadStep(stepNode, stepPath, idRequired) is { } step) steps.Add(step);
            }
            return steps;
        }

        private FlowStep? ReadStep(YamlMappingNode node, string path, bool idRequired)
        {
            var fields = Fields(node, path, StepFields);
            var id = idRequired ? RequiredString(node, fields, "id", path) : OptionalString(fields, "id", path);
            if (id is not null)
            {
                if (!StepIdPattern().IsMatch(id))
                    Errors.Add(At(fields["id"], path + ".id",
                        "A step id starts with a letter or '_' and has up to 64 letters, digits and '_', so expressions can write steps.<id>.output."));
                else if (!_stepIds.Add(id))
                    Errors.Add(At(fields["id"], path + ".id", $"The step id '{id}' is used twice."));
            }
            var action = RequiredString(node, fields, "action", path);
            if (action is not null && !knownActions.Contains(action))
                Errors.Add(At(fields["action"], path + ".action",
                    $"'{action}' is not an action. Known actions: {string.Join(", ", knownActions.Order(StringComparer.Ordinal))}."));
            var when = OptionalExpression(fields, "when", path);
            var input = new JsonObject();
            if (fields.TryGetValue("input", out var inputNode) && !IsNull(inputNode))
            {
                if (inputNode is YamlMappingNode inputMapping) input = (JsonObject)ToJson(inputMapping, path + ".input")!;
                else Errors.Add(At(inputNode, path + ".input", "A step's input is a mapping of names to values."));
            }
            return action is null ? null : new FlowStep { Id = id, Action = action, When = when, Input = input };
        }

        private Dictionary<string, YamlNode> Fields(YamlMappingNode mapping, string path, string[] allowed)
        {
            var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = keyNode is YamlScalarNode { Value: { } k } ? k : null;
                if (key is null || !allowed.Contains(key))
                {
                    Errors.Add(At(keyNode, Join(path, key ?? "?"),
                        $"Unknown field '{key}'. {(path.Length == 0 ? "A flow" : "A step")} has: {string.Join(", ", allowed)}."));
                    continue;
                }
                fields[key] = value;
            }
            return fields;
        }

        private string? RequiredString(YamlMappingNode owner, Dictionary<string, YamlNode> fields, string field, string path)
        {
            if (!fields.TryGetValue(field, out var node) || IsNull(node))
            {
                Errors.Add(At(fields.TryGetValue(field, out var present) ? present : owner, Join(path, field), $"'{field}' is required."));
                return null;
            }
            return StringOf(node, Join(path, field));
        }

        private string? OptionalString(Dictionary<string, YamlNode> fields, string field, string path) =>
            fields.TryGetValue(field, out var node) && !IsNull(node) ? StringOf(node, Join(path, field)) : null;

        private string? StringOf(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: { } value } && value.Length > 0) return value;
            Errors.Add(At(node, path, $"'{path}' is a text."));
            return null;
        }

        private int? OptionalInteger(Dictionary<string, YamlNode> fields, string field, string path)
        {
            if (!fields.TryGetValue(field, out var node) || IsNull(node)) return null;
            if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } value } && IntegerPattern().IsMatch(value)
                && int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                return number;
            Errors.Add(At(node, Join(path, field), $"'{field}' is a whole number."));
            return null;
        }

        private bool? OptionalBoolean(Dictionary<string, YamlNode> fields, string field, string path)
        {
            if (!fields.TryGetValue(field, out var node) || IsNull(node)) return null;
            if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } value } && bool.TryParse(value, out var flag)) return flag;
            Errors.Add(At(node, Join(path, field), $"'{field}' is true or false."));
            return null;
        }

        /// <summary>A condition or <c>when</c>: the whole text is the expression (no '=').</summary>
        private string? OptionalExpression(Dictionary<string, YamlNode> fields, string field, string path)
        {
            var expression = OptionalString(fields, field, path);
            if (expression is not null) CheckExpression((YamlScalarNode)fields[field], expression, 0, Join(path, field));
            return expression;
        }

        private void CheckExpression(YamlScalarNode node, string expression, int offset, string path)
        {
            if (FlowExpressions.Check(expression) is not { } error) return;
            var block = node.Style is ScalarStyle.Literal or ScalarStyle.Folded;
            var quoted = node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
            // A block scalar's text starts on the line after its '|' or '>'; a one-line scalar's at its column.
            var line = Line(node.Start) + error.Line - 1 + (block ? 1 : 0);
            var column = error.Line == 1 && !block
                ? Column(node.Start) + (quoted ? 1 : 0) + offset + error.Column - 1
                : error.Column;
            var what = path.EndsWith("condition", StringComparison.Ordinal) ? "The condition"
                : path.EndsWith(".when", StringComparison.Ordinal) ? "The step's 'when'"
                : "The expression";
            Errors.Add(new FlowParseError(line, column, path, $"{what} does not compile: {error.Reason}"));
        }

        private JsonNode? ToJson(YamlNode node, string path)
        {
            switch (node)
            {
                case YamlMappingNode mapping:
                    var obj = new JsonObject();
                    foreach (var (keyNode, value) in mapping.Children)
                    {
                        if (keyNode is not YamlScalarNode { Value: { } key })
                        {
                            Errors.Add(At(keyNode, path, "Names in an input are texts."));
                            continue;
                        }
                        obj[key] = ToJson(value, Join(path, key));
                    }
                    return obj;
                case YamlSequenceNode sequence:
                    var array = new JsonArray();
                    for (var i = 0; i < sequence.Children.Count; i++) array.Add(ToJson(sequence.Children[i], $"{path}[{i}]"));
                    return array;
                case YamlScalarNode scalar:
                    var literal = Scalar(scalar);
                    if (literal is { } v && v.TryGetValue<string>(out var text) && FlowInputs.IsExpression(text, out var expression))
                        CheckExpression(scalar, expression, 1, path);
                    return literal;
                default:
                    return null;
            }
        }

        /// <summary>YAML's core schema for plain scalars (null, booleans, numbers); quoted and block scalars are texts.</summary>
        private static JsonValue? Scalar(YamlScalarNode scalar)
        {
            var value = scalar.Value ?? "";
            var explicitText = !scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str";
            if (scalar.Style != ScalarStyle.Plain || explicitText) return JsonValue.Create(value);
            if (value is "" or "~" or "null" or "Null" or "NULL") return null;
            if (value is "true" or "True" or "TRUE") return JsonValue.Create(true);
            if (value is "false" or "False" or "FALSE") return JsonValue.Create(false);
            if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                return JsonValue.Create(whole);
            if (FloatPattern().IsMatch(value))
            {
                if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)) return JsonValue.Create(exact);
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var approximate) && double.IsFinite(approximate))
                    return JsonValue.Create(approximate);
            }
            return JsonValue.Create(value);
        }

        /// <summary>
        /// Anchors and aliases are refused: a flow has no need of them, and a few nested aliases expand to millions of
        /// nodes ("billion laughs").
        /// </summary>
        private bool NoAliases(YamlNode node, HashSet<YamlNode> seen)
        {
            if (!seen.Add(node))
            {
                Errors.Add(At(node, "", "Anchors and aliases (&name, *name) are not supported in flow files."));
                return false;
            }
            return node switch
            {
                YamlMappingNode mapping => mapping.Children.All(pair => NoAliases(pair.Key, seen) && NoAliases(pair.Value, seen)),
                YamlSequenceNode sequence => sequence.Children.All(child => NoAliases(child, seen)),
                _ => true,
            };
        }

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

        private static string Join(string path, string field) => path.Length == 0 ? field : path + "." + field;

        private static FlowParseError At(YamlNode node, string field, string reason) =>
            new(Line(node.Start), Column(node.Start), field, reason);

        private static int Line(Mark mark) => (int)Math.Max(1, mark.Line);
        private static int Column(Mark mark) => (int)Math.Max(1, mark.Column);

        /// <summary>YamlDotNet's message without its own "(Line: …, Col: …)" prefix — the error carries the position.</summary>
        private static string Reason(YamlException e)
        {
            var message = e.Message;
            var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
            return cut >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(cut + 3)..] : message;
        }
    }
}
