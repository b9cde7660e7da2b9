using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Waybill.Server.Platform;

/// <summary>RFC 9457 problem responses with the machine-readable <c>code</c> of api.md.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ProblemDetails Create(int status, string code, string title, string? detail = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://waybill.dev/problems/{code.Replace('_', '-')}",
            Title = title,
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        return problem;
    }

    public static ProblemDetails Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null)
    {
        var problem = Create(400, "validation_failed", "The request is not valid.",
            detail ?? "Fix the fields named in errors: " + string.Join(", ", errors.Keys) + ".");
        problem.Extensions["errors"] = errors;
        return problem;
    }

    public static ProblemDetails Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A business rule one field broke (422): the code, and <c>errors</c> naming the field as a validation problem does.</summary>
    public static ProblemDetails Rule(string code, string field, string message)
    {
        var problem = Create(422, code, "A business rule was not met.", message);
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        return problem;
    }

    public static ProblemDetails MalformedJson(string detail) => Create(400, "malformed_json", "The body is not valid JSON.", detail);
    public static ProblemDetails Unauthorized() => Create(401, "unauthorized", "An API key is needed.", "Send 'Authorization: Bearer <api key>' with a valid key.");
    public static ProblemDetails Forbidden() => Create(403, "forbidden", "This key's role may not do this.");
    public static ProblemDetails NotFound(string what, string id) => Create(404, "not_found", $"No such {what}.", $"There is no {what} '{id}'.");
    public static ProblemDetails NotFound() => Create(404, "not_found", "Not found.", "Nothing is served at this path.");
    public static ProblemDetails VersionConflict(int current, string? expected) =>
        Create(409, "version_conflict", "The resource has changed.", $"If-Match named version {expected}, but the resource is at version {current}. Read it again and retry.");
    public static ProblemDetails PayloadTooLarge(long limit) =>
        Create(413, "payload_too_large", "The body is too large.", $"Bodies here are limited to {limit} bytes.");

    public static IResult Result(ProblemDetails problem) =>
        TypedResults.Json(problem, WaybillJson.Options, ContentType, problem.Status);

    public static async Task Write(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? 500;
        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, WaybillJson.Options, context.RequestAborted);
    }
}

public static class ProblemMetadata
{
    /// <summary>The problem responses every API endpoint can answer with, so the OpenAPI document lists them.</summary>
    public static TBuilder WithStandardProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in new[] { 400, 401, 403, 404, 409, 413, 422 })
            builder.ProducesProblem(status, Problems.ContentType);
        return builder;
    }
}

/// <summary>A problem an endpoint answers with directly (not a broken domain rule): 404, 409 version_conflict, 422 reuse.</summary>
public sealed class ProblemException(ProblemDetails problem) : Exception(problem.Detail ?? problem.Title)
{
    public ProblemDetails Problem { get; } = problem;
}
