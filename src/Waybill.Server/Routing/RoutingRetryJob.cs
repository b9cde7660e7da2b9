using Waybill.Server.Platform;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Routing;

/// <summary>
/// A backordered order's scheduled attempt came due: route it again (in its own transaction). An attempt that is no
/// longer scheduled — stock arrived and routed it meanwhile, or someone did by hand — is left alone.
/// </summary>
public sealed class RoutingRetryJob(OrderRouter router, RequestCommit commit) : IJobHandler
{
    public string Kind => OrderRouter.RetryJobKind;

    public async Task HandleAsync(Job job, CancellationToken cancellationToken)
    {
        var payload = job.PayloadAs<OrderRouter.RetryPayload>();
        await commit.InTransactionAsync(async () =>
        {
            if (await router.RetryAsync(payload.OrderId, payload.AttemptId, cancellationToken) is not null)
                await commit.SaveAsync(200, new { }, null, cancellationToken);
            return true;
        }, cancellationToken);
    }
}
