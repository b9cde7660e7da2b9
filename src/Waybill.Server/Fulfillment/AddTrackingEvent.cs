using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Fulfillment;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Fulfillment;

/// <summary>
/// <c>POST /api/v1/shipments/{id}/tracking-events</c> <c>{ "status", "occurredAt"?, "location"?, "description"? }</c> →
/// 200 with the shipment. Events are kept in <c>occurredAt</c> order and the status is the latest one's, except that
/// <c>delivered</c> is final. Sends <c>shipment.tracking_updated</c>, and <c>shipment.delivered</c> when it becomes delivered.
/// </summary>
public static class AddTrackingEvent
{
    public sealed record Request(string? Status, DateTimeOffset? OccurredAt, string? Location, string? Description);

    private static readonly Dictionary<string, ShipmentStatus> TrackingStatuses =
        new[] { ShipmentStatus.InTransit, ShipmentStatus.OutForDelivery, ShipmentStatus.Delivered, ShipmentStatus.Exception }
            .ToDictionary(StatusNames.Of, StringComparer.Ordinal);

    public static RouteHandlerBuilder MapAddTrackingEvent(this RouteGroupBuilder shipments) => shipments
        .MapPost("/{id}/tracking-events", Handle)
        .RequireAuthorization(FulfillmentModule.ActPolicy)
        .WithName("AddTrackingEvent");

    public static async Task<Ok<ShipmentResponse>> Handle(string id, Request request, WaybillDb db, RequestCommit commit, EventOutbox outbox,
        AuditTrail audit, IClock clock, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        ShipmentStatus status = default;
        if (string.IsNullOrWhiteSpace(request.Status)) errors.Add("status", $"status is required: {string.Join(", ", TrackingStatuses.Keys)}.");
        else if (!TrackingStatuses.TryGetValue(request.Status, out status))
            errors.Add("status", $"'{request.Status}' is not a tracking status: {string.Join(", ", TrackingStatuses.Keys)}.");
        var location = ShipFulfillmentOrder.Text(request.Location, "location", 200, required: false, errors);
        var description = ShipFulfillmentOrder.Text(request.Description, "description", 1000, required: false, errors);
        errors.ThrowIfAny();

        var response = await commit.InTransactionAsync(async () =>
        {
            if (db.IsPostgres) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM shipments WHERE id = {id} FOR UPDATE", cancellationToken);
            var (shipment, from) = await ShipmentLoading.FindAsync(db, id, cancellationToken);
            http.User.EnsureMayWorkAt(from, $"Shipment {id}");
            IfMatch.Check(http.Request, shipment.Version);
            var now = clock.UtcNow;
            var previous = shipment.Status;
            shipment.Track(new TrackingUpdate(status, request.OccurredAt ?? now, location, description), now);
            ShipmentRecords.RecordEvents(shipment, from, outbox, audit, http.User.Actor(), previous);
            var body = ShipmentResponse.From(shipment, from);
            await commit.SaveAsync(200, body, null, cancellationToken);
            return body;
        }, cancellationToken);
        http.Response.Headers.ETag = $"\"{response.Version}\"";
        return TypedResults.Ok(response);
    }
}
