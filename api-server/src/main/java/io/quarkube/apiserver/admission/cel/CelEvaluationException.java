package io.quarkube.apiserver.admission.cel;

/** An expression that failed while it ran (a missing key, no matching overload, the cost budget exhausted). */
public final class CelEvaluationException extends Exception {
  private final boolean outOfBudget;

  CelEvaluationException(String message, boolean outOfBudget) {
    super(message, null, false, false);
    this.outOfBudget = outOfBudget;
  }

  /** Whether the shared budget of the evaluation is gone (upstream stops evaluating further expressions then). */
  public boolean outOfBudget() {
    return outOfBudget;
  }
}
