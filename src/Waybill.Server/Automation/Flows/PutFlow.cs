using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation.Flows;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Automation.Flows;

/// <summary>
/// <c>PUT /api/v1/flows/{name}</c> with the flow file as the body (YAML or JSON): stores a new version (the earlier ones
/// are kept), which every node runs from its next event. A file that does not parse, names an unknown action, has an
/// expression that does not compile, or names another flow than the path → 400 <c>invalid_flow</c> with every line.
/// 201 for a new name, 200 when it replaces a flow (a shipped default included). <c>If-Match</c> with a stale version → 409.
/// </summary>
public static class PutFlow
{
    private static readonly string[] ContentTypes = ["application/yaml", "application/x-yaml", "text/yaml", "application/json"];

    public static RouteHandlerBuilder MapPutFlow(this RouteGroupBuilder flows) => flows
        .MapPut("/{name}", Handle)
        .RequireAuthorization(Policies.Admin)
        .Accepts<string>(ContentTypes[0], [.. ContentTypes.Skip(1)])
        .WithName("PutFlow");

    public static async Task<Results<Ok<FlowDetail>, Created<FlowDetail>>> Handle(
        string name, HttpContext http, WaybillDb db, FlowCatalog catalog, FlowVersions versions, RequestCommit commit, CancellationToken cancellationToken)
    {
        var mediaType = (http.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (!ContentTypes.Contains(mediaType))
            throw new ProblemException(Problems.Create(415, "unsupported_media_type", "A flow file is YAML or JSON.",
                $"Send the file with Content-Type {string.Join(", ", ContentTypes)}."));
        string text;
        using (var reader = new StreamReader(http.Request.Body))
            text = await reader.ReadToEndAsync(cancellationToken);

        var parsed = catalog.Parse(text);
        if (!parsed.IsValid) throw InvalidFlow.Of(parsed.Errors);
        var definition = parsed.Definition!;
        if (definition.Name != name)
            throw InvalidFlow.Of([new FlowParseError(LineOfName(text), 1, "name",
                $"The file's name '{definition.Name}' differs from the path's '{name}': a flow is stored under its own name.")]);

        var existing = await catalog.FindAsync(db, name, cancellationToken);
        // A stale If-Match is a 409, not a silent overwrite of the version someone else wrote meanwhile (api.md "Concurrency").
        IfMatch.Check(http.Request, existing?.Version);
        var stored = await versions.WriteAsync(name, FlowOrigins.Merchant, text, mediaType, definition.Enabled, definition.Priority, definition.Trigger,
            http.User.Actor(), cancellationToken);
        var response = FlowDetail.From(new EffectiveFlow(name, FlowOrigins.Merchant, text, mediaType, definition, stored.Enabled, stored.Priority,
            stored.Trigger, stored.Version, stored.UpdatedAt, stored.UpdatedBy));
        var location = $"/api/v1/flows/{Uri.EscapeDataString(name)}";
        await commit.SaveAsync(existing is null ? 201 : 200, response, location, cancellationToken);
        catalog.Changed();
        http.Response.Headers.ETag = $"\"{stored.Version}\"";
        return existing is null ? TypedResults.Created(location, response) : TypedResults.Ok(response);
    }

    private static int LineOfName(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].TrimStart().StartsWith("name:", StringComparison.Ordinal) || lines[i].TrimStart().StartsWith("\"name\"", StringComparison.Ordinal))
                return i + 1;
        return 1;
    }
}

/// <summary>Writes a flow's new version: the <c>flows</c> row (its version up by one) and a <c>flow_versions</c> row, in the caller's unit of work.</summary>
public sealed class FlowVersions(WaybillDb db, FlowCatalog catalog, IClock clock)
{
    public async Task<StoredFlow> WriteAsync(string name, string origin, string text, string contentType, bool enabled, int priority, string trigger,
        string actor, CancellationToken cancellationToken)
    {
        var row = await db.Flows.FirstOrDefaultAsync(f => f.Name == name, cancellationToken);
        var now = clock.UtcNow;
        if (row is null)
        {
            catalog.EnsureLoaded();
            // The shipped file counts as version 1, so the first change of a default is version 2.
            row = new StoredFlow { Name = name, Version = (await catalog.FindAsync(db, name, cancellationToken))?.Version ?? 0 };
            db.Flows.Add(row);
        }
        row.Origin = origin;
        row.Source = text;
        row.ContentType = contentType;
        row.Enabled = enabled;
        row.Priority = priority;
        row.Trigger = trigger;
        row.Version++;
        row.UpdatedAt = now;
        row.UpdatedBy = actor;
        db.FlowVersions.Add(new StoredFlowVersion
        {
            Name = name, Version = row.Version, Origin = origin, Source = text, ContentType = contentType, Enabled = enabled, UpdatedAt = now, UpdatedBy = actor,
        });
        return row;
    }
}
