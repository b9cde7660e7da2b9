using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Automation.Flows;
using Waybill.Server.Data;

namespace Waybill.Server.Automation.Flows;

/// <summary>A flow as it applies now: the shipped default or the merchant's version that overrides it.</summary>
/// <param name="Definition">Null when a stored flow no longer parses (an action it names is gone): listed, never run.</param>
public sealed record EffectiveFlow(
    string Name, string Origin, string Text, string ContentType, FlowDefinition? Definition, bool Enabled, int Priority, string Trigger, int Version,
    DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>A shipped default flow file, parsed at start.</summary>
public sealed record DefaultFlow(string Name, string FileName, string Text, FlowDefinition Definition);

/// <summary>The <c>Flows</c> configuration section.</summary>
public sealed class FlowOptions
{
    /// <summary>Whether this node runs flows on events (the API works either way).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>The folder of the shipped default flows; empty for <c>Flows/</c> next to the executable.</summary>
    public string? DefaultsFolder { get; set; }
    /// <summary>How soon a run waiting for an earlier run of its order looks again.</summary>
    public TimeSpan OrderWaitInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// The flows of this node (docs/decisions/0015-flow-store-and-runner.md): the shipped defaults, parsed once at start
/// (one that does not parse stops the start, naming the file and line), and the merchant's rows, cached and read again
/// when the table's stamp — the sum of the rows' versions, which every change raises — differs from the cached one.
/// Checking the stamp is one cheap query per event, so every node sees an edit from the next event on.
/// </summary>
public sealed class FlowCatalog
{
    private IReadOnlyDictionary<string, DefaultFlow> _defaults = new Dictionary<string, DefaultFlow>();
    private IReadOnlySet<string> _knownActions = new HashSet<string>();
    private volatile Snapshot? _snapshot;
    private readonly ILogger<FlowCatalog> _log;
    private readonly IServiceScopeFactory _scopes;
    private readonly FlowOptions _options;
    private readonly Lock _loading = new();
    private bool _loaded;

    public FlowCatalog(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<FlowOptions> options, ILogger<FlowCatalog> log)
    {
        _scopes = scopes;
        _options = options.Value;
        _log = log;
    }

    /// <summary>
    /// Loads the defaults once, with the names of the registered actions as the known set. The host's start does it
    /// (<see cref="FlowDefaultsLoader"/>); the event dispatcher may get here first, so every reader ensures it.
    /// </summary>
    public void EnsureLoaded()
    {
        if (_loaded) return;
        lock (_loading)
        {
            if (_loaded) return;
            using var scope = _scopes.CreateScope();
            var actions = scope.ServiceProvider.GetServices<IFlowAction>().Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
            var folder = string.IsNullOrWhiteSpace(_options.DefaultsFolder) ? Path.Combine(AppContext.BaseDirectory, "Flows") : _options.DefaultsFolder;
            LoadDefaults(folder, actions);
            _loaded = true;
        }
    }

    private sealed record Snapshot(long VersionSum, IReadOnlyList<EffectiveFlow> Flows, long CheckedAt);

    public IReadOnlySet<string> KnownActions
    {
        get
        {
            EnsureLoaded();
            return _knownActions;
        }
    }

    /// <summary>Reads and checks the default files; throws, naming the file and line, when one does not parse.</summary>
    private void LoadDefaults(string folder, IReadOnlySet<string> knownActions)
    {
        _knownActions = knownActions;
        var defaults = new Dictionary<string, DefaultFlow>(StringComparer.Ordinal);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
            {
                var text = File.ReadAllText(file);
                var parsed = FlowParser.Parse(text, knownActions);
                if (!parsed.IsValid)
                    throw new InvalidOperationException(
                        $"The default flow file {file} does not parse: {string.Join("; ", parsed.Errors.Select(e => e.ToString()))}");
                var name = parsed.Definition!.Name;
                if (defaults.ContainsKey(name)) throw new InvalidOperationException($"Two default flow files are named '{name}' ({file}).");
                defaults[name] = new DefaultFlow(name, Path.GetFileName(file), text, parsed.Definition);
            }
        }
        _defaults = defaults;
        _snapshot = null;
    }

    /// <summary>
    /// The flows as of at most <see cref="RunnerFreshness"/> ago, for the runner: checking the version sum for every event
    /// was a query per event (a million-line import announces a million). A change made on this node is seen at once
    /// (<see cref="Changed"/>); one made on another node within a second.
    /// </summary>
    private async Task<IReadOnlyList<EffectiveFlow>> RecentAsync(WaybillDb db, CancellationToken cancellationToken)
    {
        if (_snapshot is { } snapshot && Environment.TickCount64 - snapshot.CheckedAt < (long)RunnerFreshness.TotalMilliseconds) return snapshot.Flows;
        return await AllAsync(db, cancellationToken);
    }

    public static readonly TimeSpan RunnerFreshness = TimeSpan.FromSeconds(1);

    /// <summary>A flow was written on this node and committed: the next look-up reads the flows again.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref _generation);
        _snapshot = null;
    }

    // Moves on every local change, so a read that was under way during one does not keep what it read.
    private long _generation;

    /// <summary>Every flow as it applies now, by name.</summary>
    public async Task<IReadOnlyList<EffectiveFlow>> AllAsync(WaybillDb db, CancellationToken cancellationToken)
    {
        EnsureLoaded();
        var generation = Interlocked.Read(ref _generation);
        // Rows are never deleted and every change raises a version: the sum moves on every change.
        var sum = await db.Flows.SumAsync(f => (long)f.Version, cancellationToken);
        var snapshot = _snapshot;
        if (snapshot is not null && snapshot.VersionSum == sum)
        {
            if (Interlocked.Read(ref _generation) == generation) _snapshot = snapshot with { CheckedAt = Environment.TickCount64 };
            return snapshot.Flows;
        }
        var rows = await db.Flows.AsNoTracking().ToListAsync(cancellationToken);
        var flows = Build(rows);
        if (Interlocked.Read(ref _generation) == generation) _snapshot = new Snapshot(sum, flows, Environment.TickCount64);
        return flows;
    }

    /// <summary>The enabled flows an event type triggers, in the order they run: ascending priority, then name.</summary>
    public async Task<IReadOnlyList<EffectiveFlow>> TriggeredByAsync(WaybillDb db, string eventType, CancellationToken cancellationToken) =>
        [.. (await RecentAsync(db, cancellationToken))
            .Where(f => f.Enabled && f.Definition is not null && f.Definition.Matches(eventType))
            .OrderBy(f => f.Priority).ThenBy(f => f.Name, StringComparer.Ordinal)];

    public async Task<EffectiveFlow?> FindAsync(WaybillDb db, string name, CancellationToken cancellationToken) =>
        (await AllAsync(db, cancellationToken)).FirstOrDefault(f => f.Name == name);

    /// <summary>Parses a stored or submitted text against the actions this node has.</summary>
    public FlowParseResult Parse(string text) => FlowParser.Parse(text, KnownActions);

    /// <summary>
    /// A run's flow (the text it started with), parsed once per text: parsing compiles every expression, and a run is
    /// resumed at every step — parsing it each time was most of a run's CPU under load.
    /// </summary>
    public FlowParseResult ParseForRun(string text)
    {
        if (_parsedForRuns.TryGetValue(text, out var parsed)) return parsed;
        // Few texts are live at a time (one per flow version); the cap only guards against a pathological churn.
        if (_parsedForRuns.Count > 1000) _parsedForRuns.Clear();
        return _parsedForRuns[text] = FlowParser.Parse(text, KnownActions);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FlowParseResult> _parsedForRuns = new(StringComparer.Ordinal);

    private List<EffectiveFlow> Build(List<StoredFlow> rows)
    {
        var byName = rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var flows = new List<EffectiveFlow>();
        foreach (var d in _defaults.Values)
        {
            if (byName.TryGetValue(d.Name, out var row)) continue;
            flows.Add(new EffectiveFlow(d.Name, FlowOrigins.Default, d.Text, "application/yaml", d.Definition, d.Definition.Enabled,
                d.Definition.Priority, d.Definition.Trigger, 1, null, null));
        }
        foreach (var row in rows)
        {
            if (row.Origin == FlowOrigins.Default && _defaults.TryGetValue(row.Name, out var shipped))
            {
                // The row keeps only the merchant's switch; the text is this release's file.
                flows.Add(new EffectiveFlow(row.Name, FlowOrigins.Default, shipped.Text, "application/yaml", shipped.Definition, row.Enabled,
                    shipped.Definition.Priority, shipped.Definition.Trigger, row.Version, row.UpdatedAt, row.UpdatedBy));
                continue;
            }
            var parsed = FlowParser.Parse(row.Source, _knownActions);
            if (!parsed.IsValid)
                _log.LogWarning("The stored flow {Flow} (version {Version}) no longer parses and does not run: {Errors}",
                    row.Name, row.Version, string.Join("; ", parsed.Errors));
            flows.Add(new EffectiveFlow(row.Name, FlowOrigins.Merchant, row.Source, row.ContentType, parsed.Definition, row.Enabled,
                row.Priority, row.Trigger, row.Version, row.UpdatedAt, row.UpdatedBy));
        }
        return [.. flows.OrderBy(f => f.Name, StringComparer.Ordinal)];
    }
}

/// <summary>Loads the default flows as the host starts: a default that does not parse is a startup error.</summary>
public sealed class FlowDefaultsLoader(FlowCatalog catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.EnsureLoaded();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
