using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Automation;
using Waybill.Domain.Common;

namespace Waybill.Domain.Tests.Automation;

public class ProcessExceptionTransitionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] Actions = ["triage", "pause", "resolve", "ignore", "void"];

    private static ProcessException New(string? retry = null) =>
        ProcessException.Raise("pe-1", "order-1", ProcessExceptionCategory.Payment, ProcessExceptionSeverity.High, null, "Capture failed", retry, null, "test", Now);

    private static void Apply(ProcessException e, string action, DateTimeOffset at)
    {
        switch (action)
        {
            case "triage": e.Triage("n", "agent", at); break;
            case "pause": e.Pause("n", "agent", at); break;
            case "resolve": e.Resolve("n", "agent", at); break;
            case "ignore": e.Ignore("n", "agent", at); break;
            default: e.Void("n", "agent", at); break;
        }
    }

    [Property(MaxTest = 300)]
    public Property Any_sequence_of_actions_follows_the_table_and_closed_exceptions_never_reopen() =>
        Prop.ForAll(Gen.Elements(Actions).ListOf().ToArbitrary(), actions =>
        {
            var e = New();
            var version = e.Version;
            foreach (var action in actions)
            {
                var from = e.Status;
                var allowed = ProcessExceptionTransitions.IsAllowed(action, from);
                try
                {
                    Apply(e, action, Now);
                    if (!allowed) return false;
                    if (e.Version != ++version) return false;
                }
                catch (InvalidTransitionException)
                {
                    if (allowed || e.Status != from || e.Version != version) return false;
                }
                if (!ProcessExceptionTransitions.IsOpen(from) && e.Status != from) return false;
                if (e.IsOpen == (e.ClosedAt is not null)) return false;
            }
            return true;
        });

    [Theory]
    [InlineData("new", "triage", "triaged")]
    [InlineData("new", "pause", "paused")]
    [InlineData("new", "resolve", "resolved")]
    [InlineData("new", "ignore", "ignored")]
    [InlineData("new", "void", "voided")]
    [InlineData("triaged", "pause", "paused")]
    [InlineData("triaged", "resolve", "resolved")]
    [InlineData("paused", "triage", "triaged")]
    [InlineData("paused", "void", "voided")]
    public void Allowed_transitions_land_where_the_table_says(string from, string action, string to)
    {
        var e = New();
        if (from == "triaged") e.Triage(null, "agent", Now);
        if (from == "paused") e.Pause(null, "agent", Now);
        Apply(e, action, Now);
        Assert.Equal(to, StatusNames.Of(e.Status));
    }

    [Fact]
    public void Raising_records_one_change_and_defaults_the_priority_from_the_severity()
    {
        var e = New();
        Assert.Equal(1, e.Priority);
        var change = Assert.Single(e.Changes);
        Assert.Equal(("raise", ProcessExceptionStatus.New), (change.Action, change.To));
        Assert.Equal(3, ProcessException.DefaultPriority(ProcessExceptionSeverity.Low));
    }

    [Fact]
    public void A_failed_retry_keeps_the_exception_open_with_a_note_and_a_successful_one_resolves_it()
    {
        var e = New(retry: "flow-run:1/step:2");
        e.RecordRetry(false, "gateway still down", "agent", Now);
        Assert.Equal(ProcessExceptionStatus.New, e.Status);
        Assert.Equal("gateway still down", e.Notes[^1].Text);
        e.RecordRetry(true, "captured", "agent", Now);
        Assert.Equal(ProcessExceptionStatus.Resolved, e.Status);
    }

    [Fact]
    public void Bad_shapes_name_their_fields()
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            ProcessException.Raise("x", null, ProcessExceptionCategory.Flow, ProcessExceptionSeverity.Low, 0, " ", null, new string('n', 2001), "t", Now));
        Assert.Equal(["message", "note", "priority"], ex.Errors.Keys.Order());
    }
}
