using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Payments;

namespace Waybill.Domain.Tests.Payments;

/// <summary>A gateway call's log entry: settled once, given up on past its deadline, asked again only when given up on.</summary>
public class PaymentInteractionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromHours(24);

    private static PaymentInteraction Capture() =>
        PaymentInteraction.Requested("int_1", "ord_1", "pay_1", "mock", PaymentInteractionType.Capture, 10m, "inv_1", null, Now);

    [Fact]
    public void A_call_past_its_deadline_is_given_up_on_and_asked_again_with_its_own_id()
    {
        var call = Capture();
        Assert.True(call.Settle(PaymentInteractionResult.Pending, "cap_1", "Accepted", null, Now.AddSeconds(1)));
        Assert.False(call.IsPastDeadline(Deadline, Now.AddHours(24)));
        Assert.True(call.IsPastDeadline(Deadline, Now.AddHours(24).AddSeconds(1)));

        Assert.True(call.GiveUp(Deadline, Now.AddHours(25)));
        Assert.True(call.IsGivenUp);
        Assert.False(call.IsOpen);
        Assert.Equal((PaymentInteractionResult.Error, PaymentInteraction.NoOutcomeCode), (call.Result, call.Code));
        // Errors and pendings of a call given up on change nothing: only its real outcome does.
        Assert.False(call.Settle(PaymentInteractionResult.Pending, null, null, null, Now.AddHours(26)));
        Assert.False(call.Settle(PaymentInteractionResult.Error, null, "again", "gateway_error", Now.AddHours(26)));

        Assert.True(call.AskAgain(Now.AddHours(27)));
        Assert.Equal(("int_1", PaymentInteractionResult.Pending, false), (call.Id, call.Result, call.Answered));
        // The deadline counts again from the new ask.
        Assert.False(call.IsPastDeadline(Deadline, Now.AddHours(50)));
    }

    [Fact]
    public void A_late_outcome_of_a_call_given_up_on_is_taken_once()
    {
        var call = Capture();
        call.GiveUp(Deadline, Now.AddHours(25));
        Assert.True(call.Settle(PaymentInteractionResult.Success, "cap_1", null, null, Now.AddHours(30)));
        Assert.False(call.IsGivenUp);
        Assert.False(call.Settle(PaymentInteractionResult.Declined, null, null, null, Now.AddHours(31)));
        Assert.False(call.AskAgain(Now.AddHours(32)));
        Assert.False(call.GiveUp(Deadline, Now.AddHours(60)));
        Assert.Equal(PaymentInteractionResult.Success, call.Result);
    }

    /// <summary>
    /// Whatever befalls a call — answers of any kind, give-ups, asks again, in any order — a success or a decline is
    /// final, giving up succeeds exactly on an open call, and asking again exactly on a call given up on.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property A_known_outcome_is_final_and_only_a_call_given_up_on_is_asked_again() =>
        Prop.ForAll(Gen.ListOf(Gen.Choose(0, 5)).ToArbitrary(), steps =>
        {
            var call = Capture();
            PaymentInteractionResult? final = null;
            var at = Now;
            foreach (var step in steps)
            {
                at = at.AddHours(1);
                var (wasOpen, wasGivenUp) = (call.IsOpen, call.IsGivenUp);
                switch (step)
                {
                    case 4:
                        if (call.GiveUp(Deadline, at) != wasOpen) return false;
                        break;
                    case 5:
                        if (call.AskAgain(at) != wasGivenUp) return false;
                        break;
                    default:
                        call.Settle((PaymentInteractionResult)step, null, null, step == 2 ? "gateway_error" : null, at);
                        break;
                }
                if (final is { } known && call.Result != known) return false;
                if (call.Result is PaymentInteractionResult.Success or PaymentInteractionResult.Declined) final = call.Result;
            }
            return true;
        });
}
