using Waybill.Domain.Common;

namespace Waybill.Domain.Webhooks;

/// <summary>
/// A receiver of events: a URL, the event types it wants, and the secret its deliveries are signed with. Deleting it
/// stops future deliveries; its delivery log stays readable in the database for support, not through the API.
/// </summary>
public sealed class WebhookSubscription
{
    public const int UrlMaxLength = 2000;
    public const int MaxFilters = 50;

    private List<string> _events = [];

    private WebhookSubscription() { }

    public string Id { get; private set; } = "";
    public string Url { get; private set; } = "";
    public IReadOnlyList<string> Events => _events;
    public string Secret { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? DeletedAt { get; private set; }

    public bool IsDeleted => DeletedAt is not null;

    /// <summary>
    /// A new subscription. Throws <see cref="DomainValidationException"/> naming <c>url</c>, <c>events</c>
    /// (<c>events[i]</c> for one bad filter) or <c>secret</c>.
    /// </summary>
    /// <param name="httpsOnly">Refuse <c>http://</c> and loopback receivers (<c>WAYBILL_WEBHOOKS_HTTPS_ONLY</c>).</param>
    public static WebhookSubscription Create(string id, string? url, IReadOnlyList<string?>? events, string secret, bool httpsOnly, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        CheckUrl(url, httpsOnly, errors);
        if (events is null || events.Count == 0) errors.Add("events", "events is required: name the event types to send, e.g. [\"order.*\"] or [\"*\"].");
        else if (events.Count > MaxFilters) errors.Add("events", $"At most {MaxFilters} event filters.");
        else
        {
            for (var i = 0; i < events.Count; i++)
                if (!WebhookEventFilter.IsValid(events[i]))
                    errors.Add($"events[{i}]", $"'{events[i]}' is not an event type of the API, a family such as 'order.*', or '*'.");
        }
        if (!WebhookSecret.IsWellFormed(secret)) errors.Add("secret", "secret must be 'whsec_' and the base64 of 24 to 64 random bytes; omit it to have one generated.");
        errors.ThrowIfAny();

        return new WebhookSubscription
        {
            Id = id,
            Url = url!,
            _events = [.. events!.Select(e => e!).Distinct(StringComparer.Ordinal)],
            Secret = secret,
            CreatedAt = now,
        };
    }

    public bool Wants(string eventType) => !IsDeleted && WebhookEventFilter.AnyMatches(_events, eventType);

    public void Delete(DateTimeOffset now) => DeletedAt ??= now;

    /// <summary>An absolute http(s) URL; with <paramref name="httpsOnly"/>, https to a host that is not this machine.</summary>
    public static void CheckUrl(string? url, bool httpsOnly, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(url)) { errors.Add("url", "url is required: the receiver's absolute http(s) URL."); return; }
        if (url.Length > UrlMaxLength) { errors.Add("url", $"url is at most {UrlMaxLength} characters."); return; }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            string.IsNullOrEmpty(uri.Host))
        {
            errors.Add("url", $"'{url}' is not an absolute http or https URL.");
            return;
        }
        if (!string.IsNullOrEmpty(uri.UserInfo)) { errors.Add("url", "url may not carry a user name or password; the signature authenticates Waybill."); return; }
        if (!httpsOnly) return;
        if (uri.Scheme != Uri.UriSchemeHttps) errors.Add("url", "Only https URLs are allowed on this server (WAYBILL_WEBHOOKS_HTTPS_ONLY).");
        else if (uri.IsLoopback) errors.Add("url", "Loopback receivers are not allowed on this server (WAYBILL_WEBHOOKS_HTTPS_ONLY).");
    }
}
