namespace Waybill.Server.Automation.Flows;

/// <summary>
/// What the runner and the actions of one step tell each other beyond input and output (scoped: one per run's scope):
/// whether the step is an on-error step, and the time a <c>wait</c> step wants the run resumed at.
/// </summary>
public sealed class FlowStepState
{
    public bool InOnError { get; set; }
    public DateTimeOffset? WaitUntil { get; set; }

    public void Reset(bool inOnError)
    {
        InOnError = inOnError;
        WaitUntil = null;
    }
}
