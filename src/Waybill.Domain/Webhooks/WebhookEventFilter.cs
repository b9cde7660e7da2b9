using Waybill.Domain.Automation.Flows;

namespace Waybill.Domain.Webhooks;

/// <summary>What a subscription listens to: an event type of api.md, a family (<c>order.*</c>), or <c>*</c> for everything.</summary>
public static class WebhookEventFilter
{
    public const string Everything = "*";

    public static bool IsValid(string? filter) =>
        filter is not null && (filter == Everything || FlowEventTypes.IsValidTrigger(filter));

    public static bool Matches(string filter, string eventType) =>
        filter == Everything || FlowEventTypes.TriggerMatches(filter, eventType);

    public static bool AnyMatches(IEnumerable<string> filters, string eventType) => filters.Any(f => Matches(f, eventType));
}
