package io.quarkube.scheduler.framework.plugins.helper;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.function.Predicate;

/** Taint/toleration matching (upstream's v1helper.TolerationsTolerateTaint and friends). */
public final class Taints {
  private Taints() {}

  /** Whether one toleration tolerates one taint. */
  public static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = t.getOperator() == null ? "" : t.getOperator();
    return switch (op) {
      case "", "Equal" -> nz(t.getValue()).equals(nz(taint.getValue()));
      case "Exists" -> true;
      default -> false;
    };
  }

  public static boolean tolerated(List<Toleration> tolerations, Taint taint) {
    if (tolerations == null) {
      return false;
    }
    for (Toleration t : tolerations) {
      if (tolerates(t, taint)) {
        return true;
      }
    }
    return false;
  }

  /** The first taint passing {@code filter} that no toleration tolerates, or null. */
  public static Taint firstUntolerated(List<Taint> taints, List<Toleration> tolerations, Predicate<Taint> filter) {
    if (taints == null) {
      return null;
    }
    // Indexed: this runs for every node of every cycle, and most nodes have no taints.
    for (int i = 0; i < taints.size(); i++) {
      Taint taint = taints.get(i);
      if (filter.test(taint) && !tolerated(tolerations, taint)) {
        return taint;
      }
    }
    return null;
  }

  public static String nz(String s) {
    return s == null ? "" : s;
  }
}
