using Waybill.Domain.Automation.Flows;
using Waybill.Domain.Automation.Fraud;
using Waybill.Server.Automation.Flows.Actions;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Platform;
using Waybill.Server.Platform.Dispatch;
using Waybill.Server.Platform.Jobs;

namespace Waybill.Server.Automation.Flows;

/// <summary>
/// The flow engine's face: the flow store (<see cref="FlowCatalog"/>), the runner (the <c>flows</c> event consumer and the
/// <c>flow_run</c> job), the core actions, the built-in fraud check, and the routes under <c>/api/v1/flows</c> and
/// <c>/api/v1/flow-runs</c>.
/// </summary>
public static class AutomationModule
{
    public static IServiceCollection AddFlows(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Flows");
        services.Configure<FlowOptions>(section);
        services.AddSingleton<FlowCatalog>();
        services.AddHostedService<FlowDefaultsLoader>();
        services.AddSingleton(_ => new FlowExpressions());
        // Another provider replaces the built-in check by registering its own IFraudCheck after this.
        services.AddSingleton<IFraudCheck, RuleBasedFraudCheck>();
        services.AddScoped<FlowStepState>();
        services.AddScoped<FlowCommit>();
        services.AddScoped<FlowVersions>();
        services.AddScoped<FlowRunExecutor>();
        services.AddJobHandler<FlowRunJob>();
        services.AddSingleton<IProcessExceptionRetry, FlowRunRetry>();
        // A node with Flows:Enabled=false has no "flows" consumer at all: it never advances the cursor the other nodes share.
        if (section.GetValue("Enabled", true)) services.AddEventConsumer<FlowRunner>();

        services.AddFlowAction<ApproveFlowAction>();
        services.AddFlowAction<HoldFlowAction>();
        services.AddFlowAction<ReleaseHoldFlowAction>();
        services.AddFlowAction<SetStatusFlowAction>();
        services.AddFlowAction<CloseOrderFlowAction>();
        services.AddFlowAction<RaiseProcessExceptionFlowAction>();
        services.AddFlowAction<ResolveProcessExceptionFlowAction>();
        services.AddFlowAction<WaitFlowAction>();
        services.AddFlowAction<FraudCheckFlowAction>();
        return services;
    }

    public static IEndpointRouteBuilder MapFlows(this IEndpointRouteBuilder routes)
    {
        var flows = routes.MapGroup("/api/v1/flows").WithTags("Flows").WithStandardProblems();
        flows.MapListFlows();
        flows.MapGetFlow();
        flows.MapPutFlow();
        flows.MapEnableFlow();
        flows.MapDryRunFlow();
        var runs = routes.MapGroup("/api/v1/flow-runs").WithTags("Flow runs").WithStandardProblems();
        runs.MapListFlowRuns();
        runs.MapGetFlowRun();
        return routes;
    }
}
