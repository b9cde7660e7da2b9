using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Waybill.Domain.Automation.Flows;

/// <summary>Where an expression fails to compile, relative to the expression's own text (1-based).</summary>
public sealed record FlowExpressionSyntaxError(int Line, int Column, string Reason);

/// <summary>
/// JavaScript expressions of flows (conditions, <c>when</c>, '=' inputs), run by Jint inside limits: a time limit, a
/// memory limit, a statement limit and a call-depth limit; strict mode; nothing of .NET reachable (no CLR interop is
/// switched on and only plain JSON values are handed in), no <c>require</c>, no modules, no I/O.
/// Each evaluation gets a fresh engine, so nothing one expression does (a global, a changed prototype) is seen by the
/// next; parsed scripts are cached, so a simple condition costs a few microseconds.
/// </summary>
public sealed class FlowExpressions(FlowExpressionLimits? limits = null)
{
    private const int MaxCachedScripts = 4096;

    private static readonly ParserOptions ExpressionParsing = new() { EcmaVersion = EcmaVersion.Latest };

    private readonly FlowExpressionLimits _limits = limits ?? FlowExpressionLimits.Default;
    private readonly ConcurrentDictionary<string, Prepared<Script>> _scripts = new(StringComparer.Ordinal);

    public FlowExpressionLimits Limits => _limits;

    /// <summary>Null when <paramref name="expression"/> is exactly one JavaScript expression that compiles in strict mode.</summary>
    public static FlowExpressionSyntaxError? Check(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (string.IsNullOrWhiteSpace(expression)) return new FlowExpressionSyntaxError(1, 1, "The expression is empty.");
        try
        {
            // ParseExpression refuses statements and anything after the expression ("1; 2", "a) ; (b").
            var parsed = new Parser(ExpressionParsing).ParseExpression(expression);
            if (parsed.DescendantNodesAndSelf().OfType<ImportExpression>().FirstOrDefault() is { } import)
                return new FlowExpressionSyntaxError(import.Location.Start.Line, import.Location.Start.Column + 1, "import() is not available in flows.");
        }
        catch (ParseErrorException e)
        {
            return new FlowExpressionSyntaxError(e.LineNumber, e.Column + 1, Describe(e));
        }
        try
        {
            // Strict-mode rules (octal literals, delete of a name, …) are checked when the script is prepared.
            Prepare(expression);
        }
        catch (ScriptPreparationException e) when (e.InnerException is ParseErrorException inner)
        {
            return new FlowExpressionSyntaxError(inner.LineNumber, Math.Max(1, inner.Column), Describe(inner));
        }
        return null;
    }

    /// <summary>A condition or a step's <c>when</c>: true or false, anything else is a <see cref="FlowExpressionException"/>.</summary>
    public bool EvaluateCondition(string expression, FlowScope scope)
    {
        var result = Run(expression, scope, (_, value) => value);
        return result is JsBoolean b
            ? b.AsBoolean()
            : throw new FlowExpressionException(expression, FlowExpressionFailure.NotBoolean,
                $"a condition must be true or false, but it gave {Describe(result)}.");
    }

    /// <summary>The JSON value of an input expression (undefined becomes null).</summary>
    public JsonNode? EvaluateValue(string expression, FlowScope scope) =>
        Run(expression, scope, (stringify, value) => ToJson(expression, stringify, value));

    private T Run<T>(string expression, FlowScope scope, Func<Func<JsValue, JsValue>, JsValue, T> read)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(scope);
        var prepared = Cached(expression);
        var engine = new Engine(options =>
        {
            options.Strict = true;
            options.Culture = CultureInfo.InvariantCulture;
            options.TimeZone = TimeZoneInfo.Utc;
            options.TimeoutInterval(_limits.TimeLimit);
            options.RegexTimeoutInterval(_limits.TimeLimit);
            options.LimitMemory(_limits.MemoryLimitBytes);
            options.MaxStatements(_limits.MaxStatements);
            options.LimitRecursion(_limits.MaxCallDepth);
        });
        try
        {
            // The values are built by the engine's own JSON parser from text the scope keeps, and only when the
            // expression first reads them: a `when` that reads a step's output never pays for the whole order.
            DefineLazy(engine, "event", () => scope.EventUtf8);
            DefineLazy(engine, "steps", () => scope.StepsUtf8);
            if (scope.Error is null) engine.SetValue("error", JsValue.Undefined);
            else DefineLazy(engine, "error", () => scope.ErrorUtf8);
            // Taken before the expression runs, which may replace the global JSON.
            var stringify = engine.GetValue("JSON").AsObject().Get("stringify");
            return read(value => engine.Call(stringify, value), engine.Evaluate(in prepared));
        }
        catch (JavaScriptException e)
        {
            throw new FlowExpressionException(expression, FlowExpressionFailure.Error, e.Message);
        }
        catch (TimeoutException)
        {
            throw new FlowExpressionException(expression, FlowExpressionFailure.TimeLimit,
                $"it ran longer than the limit of {_limits.TimeLimit.TotalMilliseconds:0} ms.");
        }
        catch (MemoryLimitExceededException)
        {
            throw new FlowExpressionException(expression, FlowExpressionFailure.MemoryLimit,
                $"it allocated more than the limit of {_limits.MemoryLimitBytes} bytes.");
        }
        catch (StatementsCountOverflowException)
        {
            throw new FlowExpressionException(expression, FlowExpressionFailure.StatementLimit,
                $"it ran more than the limit of {_limits.MaxStatements} statements (an endless loop?).");
        }
        catch (RecursionDepthOverflowException)
        {
            throw new FlowExpressionException(expression, FlowExpressionFailure.CallDepthLimit,
                $"it nested calls deeper than the limit of {_limits.MaxCallDepth}.");
        }
        catch (JintException e)
        {
            throw new FlowExpressionException(expression, FlowExpressionFailure.Error, e.Message);
        }
        catch (InvalidOperationException e)
        {
            // What the engine refuses rather than throws in JavaScript, such as an import() reached through eval.
            throw new FlowExpressionException(expression, FlowExpressionFailure.Error, e.Message);
        }
    }

    /// <summary>A global that reads as the parsed JSON, parsed on the first read (and then kept, so it reads as one object).</summary>
    private static void DefineLazy(Engine engine, string name, Func<ReadOnlyMemory<byte>> json)
    {
        JsValue? value = null;
        var getter = new ClrFunction(engine, "get " + name, (_, _) => value ??= new JsonParser(engine).Parse(json().Span));
        engine.Global.DefineOwnProperty(name, new GetSetPropertyDescriptor(getter, JsValue.Undefined, enumerable: true, configurable: false));
    }

    private Prepared<Script> Cached(string expression)
    {
        if (_scripts.TryGetValue(expression, out var prepared)) return prepared;
        if (Check(expression) is { } error)
            throw new FlowExpressionException(expression, FlowExpressionFailure.Syntax,
                $"it does not compile: {error.Reason} (line {error.Line}, column {error.Column}).");
        // Merchants' flows are few; the bound only stops a stream of dry-runs of new expressions from growing it forever.
        if (_scripts.Count >= MaxCachedScripts) _scripts.Clear();
        return _scripts.GetOrAdd(expression, Prepare);
    }

    // Parenthesised so an object literal or a function is read as an expression, not a block or a declaration; the
    // expression was checked to be exactly one, so the parentheses cannot be closed early. The line break keeps a
    // trailing // comment from swallowing the ')'.
    private static Prepared<Script> Prepare(string expression) =>
        Engine.PrepareScript("(" + expression + "\n)", source: "expression", strict: true);

    private static string Describe(ParseErrorException e)
    {
        var message = e.Message;
        var position = message.LastIndexOf(" (", StringComparison.Ordinal);
        return position > 0 && message.EndsWith(')') ? message[..position] : message;
    }

    private static string Describe(JsValue value) => value switch
    {
        _ when value.IsUndefined() => "undefined",
        _ when value.IsNull() => "null",
        _ when value.IsString() => "a string",
        _ when value.IsNumber() => "a number",
        _ when value.IsArray() => "an array",
        _ when value.IsObject() => value is Jint.Native.Function.Function ? "a function" : "an object",
        _ => value.Type.ToString().ToLowerInvariant(),
    };

    private static JsonNode? ToJson(string expression, Func<JsValue, JsValue> stringify, JsValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IsUndefined() || value.IsNull()) return null;
        if (value is JsBoolean b) return JsonValue.Create(b.AsBoolean());
        if (value is JsString) return JsonValue.Create(value.AsString());
        if (value is JsNumber)
        {
            var number = value.AsNumber();
            return double.IsFinite(number)
                ? Number(number)
                : throw new FlowExpressionException(expression, FlowExpressionFailure.NotJson,
                    $"it gave {number.ToString(CultureInfo.InvariantCulture)}, which is not a JSON number.");
        }
        if (value is Jint.Native.Function.Function || !value.IsObject())
            throw new FlowExpressionException(expression, FlowExpressionFailure.NotJson,
                $"it gave {Describe(value)}, which is not a JSON value.");
        // JSON.stringify runs inside the engine's limits, so a toJSON or a getter that loops is stopped as well.
        var text = stringify(value);
        return text.IsString() ? JsonNode.Parse(text.AsString()) : null;
    }

    /// <summary>Whole numbers as integers (ids, quantities, counts read naturally); others as the double JavaScript computed.</summary>
    private static JsonValue Number(double number) =>
        Math.Abs(number) <= 9007199254740991d && Math.Floor(number) == number && !(number == 0 && double.IsNegative(number))
            ? JsonValue.Create((long)number)
            : JsonValue.Create(number);
}
