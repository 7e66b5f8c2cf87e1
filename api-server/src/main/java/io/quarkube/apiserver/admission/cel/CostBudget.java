package io.quarkube.apiserver.admission.cel;

/**
 * A runtime cost budget shared by the expressions of one policy evaluation, as upstream's
 * {@code RuntimeCELCostBudget}: every evaluated step (each node of the expression, each iteration of a
 * comprehension's body) costs one unit. CEL-Java has no cost estimator, so a runaway expression is stopped while it
 * runs instead of being refused at compile time; upstream's messages are kept.
 */
public final class CostBudget {
  /** Upstream's per-call limit (apiserver/pkg/apis/cel: PerCallLimit). */
  public static final long PER_CALL_LIMIT = 1_000_000;
  /** Upstream's budget of one validation (RuntimeCELCostBudget). */
  public static final long PER_EVALUATION_BUDGET = 10_000_000;

  private long remaining;

  public CostBudget(long units) {
    this.remaining = units;
  }

  public static CostBudget perEvaluation() {
    return new CostBudget(PER_EVALUATION_BUDGET);
  }

  public long remaining() {
    return remaining;
  }

  /** Charges {@code spent} units; returns false once the budget is gone. */
  boolean charge(long spent) {
    remaining -= spent;
    return remaining >= 0;
  }

  /** Thrown (through CEL's interpreter) when an expression exceeds its per-call limit or the shared budget. */
  static final class Exceeded extends RuntimeException {
    final boolean perCall;

    Exceeded(boolean perCall) {
      super(perCall ? "operation cancelled: actual cost limit exceeded"
          : "validation failed due to running out of cost budget, no further validation rules will be run", null,
          false, false);
      this.perCall = perCall;
    }
  }
}
