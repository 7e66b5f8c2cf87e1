package io.quarkube.apiserver.admission.cel;

import dev.cel.runtime.CelRuntime;
import java.util.Map;

/**
 * One compiled expression, shared by every request (CEL programs are immutable). Evaluation counts its steps
 * against a per-call limit and the caller's {@link CostBudget}: a runaway expression fails, it does not hang.
 */
public final class Expression {
  private final String source;
  private final CelRuntime.Program program;

  Expression(String source, CelRuntime.Program program) {
    this.source = source;
    this.program = program;
  }

  public String source() {
    return source;
  }

  /** The value of the expression for the variables given; throws with upstream's wording on failure. */
  public Object evaluate(Map<String, ?> activation, CostBudget budget) throws CelEvaluationException {
    long[] steps = {0};
    try {
      return program.trace(activation, (expr, result) -> {
        steps[0]++;
        if (steps[0] > CostBudget.PER_CALL_LIMIT) {
          throw new CostBudget.Exceeded(true);
        }
        if (!budget.charge(1)) {
          throw new CostBudget.Exceeded(false);
        }
      });
    } catch (dev.cel.runtime.CelEvaluationException e) {
      CostBudget.Exceeded exceeded = exceeded(e);
      if (exceeded != null) {
        throw new CelEvaluationException(exceeded.getMessage(), !exceeded.perCall);
      }
      throw new CelEvaluationException(message(e), false);
    } catch (CostBudget.Exceeded e) {
      throw new CelEvaluationException(e.getMessage(), !e.perCall);
    } catch (RuntimeException e) {
      throw new CelEvaluationException(String.valueOf(e.getMessage()), false);
    }
  }

  private static CostBudget.Exceeded exceeded(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CostBudget.Exceeded x) {
        return x;
      }
    }
    return null;
  }

  /**
   * CEL-Java's message in cel-go's words where they differ in ways users see: no position prefix, "no such key".
   */
  static String message(dev.cel.runtime.CelEvaluationException e) {
    String m = String.valueOf(e.getMessage());
    Throwable cause = e.getCause();
    if (m.contains("Function '") && cause != null && cause.getMessage() != null) {
      return cause.getMessage(); // a library function's own error, not CEL-Java's wrapper text
    }
    int at = m.indexOf("evaluation error at ");
    if (at >= 0) {
      int colon = m.indexOf(": ", at);
      if (colon > 0) {
        m = m.substring(colon + 2);
      }
    } else if (m.startsWith("evaluation error: ")) {
      m = m.substring("evaluation error: ".length());
    }
    var missing = java.util.regex.Pattern.compile("key '(.*)' is not present in map\\.?").matcher(m);
    if (missing.matches()) {
      return "no such key: " + missing.group(1);
    }
    return m;
  }
}
