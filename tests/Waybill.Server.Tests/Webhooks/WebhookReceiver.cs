using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Server.Tests.Platform;

namespace Waybill.Server.Tests.Webhooks;

/// <summary>One request the receiver got, and how it answered.</summary>
public sealed record ReceivedWebhook(
    string Path, string? WebhookId, string? Timestamp, string? Signature, string? ContentType, string Body, DateTimeOffset At)
{
    public JsonObject Event => JsonNode.Parse(Body)!.AsObject();
    public string Type => Event["type"].Str();
    public string Subject => Event["subject"].Str();
    public int? AnsweredStatus { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
}

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (Kestrel, a random port), started by the test. <see cref="Answer"/> decides each
/// answer from the request and how many times its webhook-id came before (1 for the first attempt).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();
    public Func<ReceivedWebhook, int, CancellationToken, Task<int>> Answer { get; set; } = (_, _, _) => Task.FromResult(200);
    public string BaseUrl { get; private set; } = "";

    private WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            var request = new ReceivedWebhook(http.Request.Path, Header(http, "webhook-id"), Header(http, "webhook-timestamp"),
                Header(http, "webhook-signature"), http.Request.ContentType, body, DateTimeOffset.UtcNow);
            Received.Enqueue(request);
            var attempt = _attempts.AddOrUpdate(request.WebhookId ?? "", 1, (_, n) => n + 1);
            int status;
            try
            {
                status = await Answer(request, attempt, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
            request.AnsweredStatus = status;
            request.AnsweredAt = DateTimeOffset.UtcNow;
            return Results.StatusCode(status);
        });
    }

    private static string? Header(HttpContext http, string name) => http.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver._app.StartAsync();
        receiver.BaseUrl = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    public string Url(string path) => $"{BaseUrl}/{path}";

    public List<ReceivedWebhook> At(string path) => [.. Received.Where(r => r.Path == "/" + path)];

    public List<ReceivedWebhook> Of(string path, string subject, string? type = null) =>
        [.. At(path).Where(r => r.Subject == subject && (type is null || r.Type == type))];

    public Task Until(Func<bool> condition, string what, int seconds = 30) =>
        WorkTestHost.Eventually(() => Task.FromResult(condition()), what, seconds);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>An independent Standard Webhooks verification: HMAC-SHA256 over "id.timestamp.body" with the decoded secret.</summary>
    public static string ExpectedSignature(string secret, string webhookId, string timestamp, string body)
    {
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        return "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.{body}")));
    }
}

/// <summary>Fast polling, a 1 s answer timeout and a short retry schedule (0.2 s, 0.5 s, then 1 s five times: eight attempts).</summary>
public static class WebhooksTestHost
{
    public static readonly string[] RetryDelays = ["00:00:00.2", "00:00:00.5", "00:00:01", "00:00:01", "00:00:01", "00:00:01", "00:00:01"];

    public static void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Jobs:PollInterval", "00:00:00.100");
        web.UseSetting("Dispatch:PollInterval", "00:00:00.100");
        web.UseSetting("Webhooks:Timeout", "00:00:01");
        for (var i = 0; i < RetryDelays.Length; i++) web.UseSetting($"Webhooks:RetryDelays:{i}", RetryDelays[i]);
    }
}

public sealed class WebhooksSqliteServer : SqliteServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => WebhooksTestHost.Configure(web);
}

public sealed class WebhooksPostgresServer : PostgresServer
{
    protected override void ConfigureHost(IWebHostBuilder web) => WebhooksTestHost.Configure(web);
}
