using Microsoft.Extensions.DependencyInjection.Extensions;
using Waybill.Server.Automation.Flows;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Payments.CreditMemos;
using Waybill.Server.Payments.Exports;
using Waybill.Server.Payments.Funds;
using Waybill.Server.Payments.Invoices;
using Waybill.Server.Payments.Notifications;
using Waybill.Server.Payments.OrderPayments;
using Waybill.Server.Payments.Gateways;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Payments;

/// <summary>The Payments module's face: invoices, ensure-funds, credit memos, ensure-refunds, the order's payments and their gateway interactions.</summary>
public static class PaymentsModule
{
    /// <summary>Moving money: finance and admins.</summary>
    public const string MoneyPolicy = "move-money";
    /// <summary>A further authorization: customer service, finance, admins (api.md).</summary>
    public const string AddPaymentPolicy = "add-payment";

    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentOptions>().Bind(configuration.GetSection("Payments"))
            .Validate(o => o.SettleAfter > TimeSpan.Zero && o.PendingDeadline > TimeSpan.Zero, "Payments:SettleAfter and Payments:PendingDeadline are positive.")
            .ValidateOnStart();
        services.AddScoped<ShipmentInvoicing>();
        services.AddScoped<InvoiceFunding>();
        services.AddScoped<PaymentCalls>();
        services.AddScoped<PaymentRounds>();
        services.AddScoped<PaymentRequests>();
        services.AddScoped<PaymentSettlement>();
        // Replaces the gateways module's logging placeholder: notifications now move money.
        services.Replace(ServiceDescriptor.Scoped<IPaymentNotificationHandler, PaymentNotificationHandler>());
        services.AddJobHandler<PaymentSettleJob>();
        services.AddJobHandler<InvoiceFundsAgainJob>();
        services.AddFlowAction<CreateInvoiceFlowAction>();
        services.AddFlowAction<EnsureFundsFlowAction>();
        services.AddFlowAction<EnsureRefundsFlowAction>();
        services.AddScoped<ExcessFundsRefunds>();
        services.AddScoped<CreditMemoRefunds>();
        services.AddSingleton<IProcessExceptionRetry, CreditMemoRefundRetry>();
        services.AddSingleton<IProcessExceptionRetry, InvoiceFundsRetry>();
        services.AddSingleton<IProcessExceptionRetry, ExcessRefundRetry>();
        services.AddAuthorizationBuilder()
            .AddPolicy(MoneyPolicy, p => p.RequireRole(nameof(Role.Finance), nameof(Role.Admin)))
            .AddPolicy(AddPaymentPolicy, p => p.RequireRole(nameof(Role.Agent), nameof(Role.Finance), nameof(Role.Admin)));
        return services;
    }

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder routes)
    {
        var invoices = routes.MapGroup("/api/v1/invoices").WithTags("Payments").WithStandardProblems();
        invoices.MapListInvoices();
        invoices.MapGetInvoice();
        invoices.MapEnsureFunds();
        var memos = routes.MapGroup("/api/v1/credit-memos").WithTags("Payments").WithStandardProblems();
        memos.MapListCreditMemos();
        memos.MapGetCreditMemo();
        memos.MapEnsureRefunds();
        var orders = routes.MapGroup("/api/v1/orders").WithTags("Payments").WithStandardProblems();
        orders.MapGetOrderPayments();
        orders.MapAddOrderPayment();
        var exports = routes.MapGroup("/api/v1/exports").WithTags("Payments").WithStandardProblems();
        exports.MapExportInvoices();
        exports.MapExportCreditMemos();
        return routes;
    }
}
