using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Payments.Mock;

namespace Waybill.Domain.Tests.Payments;

/// <summary>The mock gateway's script and its ledger rules, without the HTTP around them.</summary>
public class MockGatewayOperationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static MockGatewayOperation Receive(string reference, MockOperationKind kind = MockOperationKind.Capture, decimal amount = 10m) =>
        MockGatewayOperation.Receive("key-1", kind, reference, amount, "USD", Now);

    [Theory]
    [InlineData("auth_ok_1", MockGatewayBehaviour.Ok)]
    [InlineData("auth_decline_1", MockGatewayBehaviour.Decline)]
    [InlineData("auth_flaky_1", MockGatewayBehaviour.Flaky)]
    [InlineData("auth_timeout_1", MockGatewayBehaviour.Timeout)]
    [InlineData("auth_async_1", MockGatewayBehaviour.Async)]
    [InlineData("auth_expired_1", MockGatewayBehaviour.Expired)]
    [InlineData("auth_async_decline_1", MockGatewayBehaviour.AsyncDecline)]
    [InlineData("auth_async_declined", MockGatewayBehaviour.Async)]
    [InlineData("auth_dispute_1", MockGatewayBehaviour.Dispute)]
    [InlineData("auth_chargeback_1", MockGatewayBehaviour.Chargeback)]
    [InlineData("pi_3Mtw", MockGatewayBehaviour.Ok)]
    [InlineData("AUTH_DECLINE_1", MockGatewayBehaviour.Ok)]
    public void The_reference_prefix_scripts_the_behaviour(string reference, MockGatewayBehaviour behaviour) =>
        Assert.Equal(behaviour, MockGatewayScript.Of(reference));

    [Fact]
    public void A_flaky_request_is_unavailable_twice_then_done_once()
    {
        var operation = Receive("auth_flaky_1");
        Assert.Equal(MockTryOutcome.Unavailable, operation.Perform("r1", 0, Now));
        operation.TryAgain();
        Assert.Equal(MockTryOutcome.Unavailable, operation.Perform("r2", 0, Now));
        operation.TryAgain();
        Assert.Equal(MockTryOutcome.Answered, operation.Perform("r3", 0, Now));
        operation.TryAgain();
        Assert.Equal(MockTryOutcome.Answered, operation.Perform("r4", 0, Now));
        Assert.Equal((MockOperationResult.Success, "r3", 4), (operation.Result, operation.Reference, operation.Tries));
    }

    [Fact]
    public void A_lost_answer_is_lost_once_and_the_repeat_gets_the_first_result()
    {
        var operation = Receive("auth_timeout_1");
        Assert.Equal(MockTryOutcome.AnswerLost, operation.Perform("r1", 0, Now));
        operation.TryAgain();
        Assert.Equal(MockTryOutcome.Answered, operation.Perform("r2", 0, Now));
        Assert.Equal((MockOperationResult.Success, "r1"), (operation.Result, operation.Reference));
    }

    [Fact]
    public void An_async_capture_is_pending_until_settled_once()
    {
        var operation = Receive("auth_async_1");
        operation.Perform("r1", 0, Now);
        Assert.Equal(MockOperationResult.Pending, operation.Result);
        Assert.False(operation.Captured);
        Assert.True(operation.Settle(Now.AddSeconds(1)));
        Assert.False(operation.Settle(Now.AddSeconds(2)));
        Assert.Equal((MockOperationResult.Success, Now.AddSeconds(1)), (operation.Result, operation.AnsweredAt));
        Assert.True(operation.Captured);
    }

    [Fact]
    public void An_async_decline_is_pending_then_declined_once()
    {
        var operation = Receive("auth_async_decline_1");
        operation.Perform("r1", 0, Now);
        Assert.Equal((MockOperationResult.Pending, MockNotice.Result), (operation.Result, operation.NoticeToSend));
        Assert.True(operation.Settle(Now.AddSeconds(1)));
        Assert.False(operation.Settle(Now.AddSeconds(2)));
        Assert.Equal((MockOperationResult.Declined, "card_declined"), (operation.Result, operation.Code));
        Assert.False(operation.Captured);
        Assert.Null(operation.NoticeToSend);
    }

    [Theory]
    [InlineData("auth_dispute_1", MockOperationKind.Capture, MockNotice.Dispute)]
    [InlineData("auth_chargeback_1", MockOperationKind.Capture, MockNotice.Chargeback)]
    [InlineData("auth_dispute_1", MockOperationKind.Refund, null)]
    [InlineData("auth_chargeback_1", MockOperationKind.Void, null)]
    [InlineData("auth_ok_1", MockOperationKind.Capture, null)]
    [InlineData("auth_decline_1", MockOperationKind.Capture, null)]
    public void Only_a_done_capture_of_a_disputed_authorization_owes_a_dispute(string reference, MockOperationKind kind, MockNotice? notice)
    {
        var operation = Receive(reference, kind);
        operation.Perform("r1", 1_000m, Now);
        Assert.Equal(notice, operation.NoticeToSend);
        if (notice is not null) Assert.True(operation.Captured);
    }

    [Fact]
    public void An_async_void_is_answered_at_once()
    {
        var operation = Receive("auth_async_1", MockOperationKind.Void);
        operation.Perform("r1", 0, Now);
        Assert.Equal(MockOperationResult.Success, operation.Result);
    }

    [Fact]
    public void A_bad_request_names_its_fields()
    {
        var error = Assert.Throws<DomainValidationException>(() => MockGatewayOperation.Receive("", MockOperationKind.Capture, "", 0m, "EURO", Now));
        Assert.Equal(["amount", "currency", "idempotencyKey", "paymentReference"], error.Errors.Keys.Order());
    }

    /// <summary>A refund is done exactly when it fits in what is refundable, and never changes once answered.</summary>
    [Property(MaxTest = 300)]
    public Property A_refund_is_refused_exactly_when_it_passes_what_is_refundable() =>
        Prop.ForAll(Gen.Choose(1, 10_000).ToArbitrary(), Gen.Choose(-100, 10_000).ToArbitrary(), (cents, refundableCents) =>
        {
            var operation = Receive("auth_ok_1", MockOperationKind.Refund, cents / 100m);
            operation.Perform("r1", refundableCents / 100m, Now);
            var done = operation.Result == MockOperationResult.Success;
            operation.TryAgain();
            operation.Perform("r2", 1_000_000m, Now);
            return done == (cents <= refundableCents)
                && (done ? operation.Code is null : operation.Code == "amount_exceeds_captured")
                && operation.Result == (done ? MockOperationResult.Success : MockOperationResult.Declined);
        });
}
