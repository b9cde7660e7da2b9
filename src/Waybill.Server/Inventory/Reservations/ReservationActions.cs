using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Inventory.Reservations;

/// <summary>
/// What every action on a reservation does around the domain call, in one transaction: lock and load it, let the domain
/// decide what may move, move the stock with the ledger, record the history, save.
/// </summary>
public sealed class ReservationActions(WaybillDb db, StockLedger ledger, RequestCommit commit, AuditTrail audit, IClock clock, IHttpContextAccessor http)
{
    public Task<ReservationResponse> RunAsync(string id, string action, Func<Reservation, StockLedger, DateTimeOffset, Task<object?>> act, CancellationToken cancellationToken) =>
        commit.InTransactionAsync(async () =>
        {
            var reservation = await ReservationLines.LoadForChangeAsync(db, id, cancellationToken);
            var context = http.HttpContext!;
            IfMatch.Check(context.Request, reservation.Version);
            var from = StatusNames.Of(reservation.Status);
            var changes = await act(reservation, ledger, clock.UtcNow);
            audit.Record("reservation", reservation.Id, action, context.User.Actor(), from, StatusNames.Of(reservation.Status), null, changes);
            var response = ReservationResponse.From(reservation);
            await commit.SaveAsync(200, response, null, cancellationToken);
            context.Response.Headers.ETag = $"\"{reservation.Version}\"";
            return response;
        }, cancellationToken);
}
