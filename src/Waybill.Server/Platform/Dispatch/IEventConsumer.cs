using System.Text.Json;

namespace Waybill.Server.Platform.Dispatch;

/// <summary>
/// Something that wants every outbox event, in order: the flow engine, webhook deliveries, the NATS stream. Registered in
/// DI (<see cref="DispatchRegistration.AddEventConsumer{TConsumer}"/>); the <see cref="EventDispatcher"/> keeps a cursor
/// per <see cref="Name"/>, so a slow consumer never holds back another.
/// </summary>
/// <remarks>
/// At least once: the cursor advances after <see cref="HandleAsync"/> returns, so a crash (or a lost lease) between the
/// two hands the event over again. Use <see cref="DispatchedEvent.Id"/> to recognise a second delivery. Throwing means
/// "not handled": the same event comes again after a backoff, and nothing after it comes first.
/// </remarks>
public interface IEventConsumer
{
    /// <summary>The cursor's name: stable across releases (renaming it starts the consumer over from the beginning).</summary>
    string Name { get; }

    Task HandleAsync(DispatchedEvent e, CancellationToken cancellationToken);
}

/// <summary>
/// A consumer that takes a dispatcher batch at once (one query and one commit for many events rather than each). Throwing
/// means none of the batch was handled: it comes again after a backoff, so the consumer must recognise what it already did.
/// </summary>
public interface IBatchEventConsumer : IEventConsumer
{
    Task HandleBatchAsync(IReadOnlyList<DispatchedEvent> events, CancellationToken cancellationToken);
}

/// <summary>One outbox event as a consumer receives it: the CloudEvent's fields, and its place in the outbox.</summary>
public sealed record DispatchedEvent(long Sequence, string Id, string Type, string Subject, DateTimeOffset Time, JsonElement Data)
{
    /// <summary>The event as the feed and webhooks show it (CloudEvents 1.0).</summary>
    public EventFeed.CloudEvent ToCloudEvent() => new("1.0", Id, "/waybill", Type, Subject, Time, "application/json", Data);

    internal static DispatchedEvent From(Data.OutboxEvent e)
    {
        using var data = JsonDocument.Parse(e.Data);
        return new DispatchedEvent(e.Sequence, e.Id, e.Type, e.Subject, e.Time, data.RootElement.Clone());
    }
}

/// <summary>The <c>Dispatch</c> configuration section.</summary>
public sealed class DispatchOptions
{
    /// <summary>How often a consumer looks for events other nodes wrote (this node's commits wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a node holds a consumer without renewing; another node takes over after that.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
    public int BatchSize { get; set; } = 100;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);
    public bool Enabled { get; set; } = true;
}

public static class DispatchRegistration
{
    public static IServiceCollection AddEventConsumer<TConsumer>(this IServiceCollection services) where TConsumer : class, IEventConsumer =>
        services.AddScoped<IEventConsumer, TConsumer>();
}
