namespace Waybill.Domain.Automation.Fraud;

/// <summary>
/// Decides whether a new order may go on or must be held for a person. The built-in one is
/// <see cref="RuleBasedFraudCheck"/>; a merchant's own provider (a scoring service) plugs in here.
/// </summary>
public interface IFraudCheck
{
    FraudAssessment Assess(FraudInput input, FraudThresholds thresholds);
}
