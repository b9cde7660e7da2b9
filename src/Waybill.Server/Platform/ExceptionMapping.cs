using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;

namespace Waybill.Server.Platform;

/// <summary>The one place where exceptions become problem responses.</summary>
public sealed partial class ExceptionMapping(ILogger<ExceptionMapping> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception);
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = Problems.Create(500, "internal_error", "Something went wrong on our side.", "The error was logged; retrying later may work.");
        }
        if (httpContext.Response.HasStarted) return false;
        await Problems.Write(httpContext, problem);
        return true;
    }

    public static ProblemDetails? ToProblem(Exception exception) => exception switch
    {
        ProblemException pe => pe.Problem,
        DomainValidationException ve => Problems.Validation(ve.Errors),
        InvalidTransitionException te => Problems.Create(409, te.Code, "The action is not allowed in this status.", te.Message),
        FieldRuleException fe => Problems.Rule(fe.Code, fe.Field, fe.Message),
        DomainException de => Problems.Create(422, de.Code, "A business rule was not met.", de.Message),
        DbUpdateConcurrencyException => Problems.Create(409, "version_conflict", "The resource has changed.", "Someone else changed it at the same time. Read it again and retry."),
        BadHttpRequestException bad => FromBadRequest(bad),
        _ => null,
    };

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge) return Problems.PayloadTooLarge(RequestLimits.JsonBodyLimit);
        if (bad.InnerException is JsonException json)
        {
            // The reader's own exceptions (a JsonException subclass, usually wrapped in one) mean the text is not JSON;
            // a plain JsonException without one means a value had the wrong type.
            var field = JsonPath.ToField(json.Path);
            if (json.GetType() != typeof(JsonException) || json.InnerException is JsonException || string.IsNullOrEmpty(field))
                return Problems.MalformedJson(Clean(json.Message));
            return Problems.Validation(field, "The value has the wrong type: " + Clean(json.Message));
        }
        if (bad.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase) ||
            bad.Message.Contains("Required parameter", StringComparison.OrdinalIgnoreCase))
            return Problems.Validation("body", "A JSON body is required.");
        if (BindingFailure().Match(bad.Message) is { Success: true } binding)
            return Problems.Validation(binding.Groups["name"].Value, $"'{binding.Groups["value"].Value}' is not a valid value here.");
        if (bad.Message.Contains("Content-Type", StringComparison.OrdinalIgnoreCase) || bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            return Problems.Create(415, "unsupported_media_type", "Send JSON.", "Use 'Content-Type: application/json'.");
        return Problems.Create(400, "bad_request", "The request could not be read.", bad.Message);
    }

    // Minimal APIs word a query or route value that does not convert as: Failed to bind parameter "int? limit" from "abc".
    [System.Text.RegularExpressions.GeneratedRegex("""Failed to bind parameter "(?:[^"]*\s)?(?<name>\w+)" from "(?<value>[^"]*)""")]
    private static partial System.Text.RegularExpressions.Regex BindingFailure();

    private static string Clean(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

public static class JsonPath
{
    /// <summary>"$.deliveryGroups[0].lines[1].quantity" → "deliveryGroups[0].lines[1].quantity".</summary>
    public static string ToField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
