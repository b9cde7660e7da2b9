using Waybill.Domain.Common;

namespace Waybill.Domain.Automation.Flows;

public enum FlowExpressionFailure
{
    /// <summary>The text is not one JavaScript expression.</summary>
    Syntax,
    /// <summary>The expression threw (a TypeError reading a property of undefined, a <c>throw</c>, …).</summary>
    Error,
    TimeLimit,
    MemoryLimit,
    StatementLimit,
    CallDepthLimit,
    /// <summary>A condition gave something other than true or false.</summary>
    NotBoolean,
    /// <summary>An input expression gave something JSON cannot hold (a function, NaN, Infinity, a BigInt, a cycle).</summary>
    NotJson,
}

/// <summary>An expression of a flow could not be evaluated. The message says which expression and why.</summary>
public sealed class FlowExpressionException(string expression, FlowExpressionFailure failure, string reason)
    : DomainException("flow_expression_failed", $"The expression '{Shorten(expression)}' failed: {reason}")
{
    public string Expression { get; } = expression;
    public FlowExpressionFailure Failure { get; } = failure;
    public string Reason { get; } = reason;

    private static string Shorten(string expression) =>
        expression.Length <= 120 ? expression : string.Concat(expression.AsSpan(0, 117), "...");
}
