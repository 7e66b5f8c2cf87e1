package io.quarkube.scheduler.util;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Quantity arithmetic as the scheduler needs it: whole units and milli-units, rounded up like upstream's. */
public final class Quantities {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private Quantities() {}

  /** upstream's {@code Quantity.Value()}: the amount in base units, rounded up to a whole number. */
  public static long value(Quantity q) {
    if (q == null) {
      return 0;
    }
    return clamp(q.getNumericalAmount().setScale(0, RoundingMode.CEILING));
  }

  /** upstream's {@code Quantity.MilliValue()}: thousandths of the base unit, rounded up (cpu: millicores). */
  public static long milliValue(Quantity q) {
    if (q == null) {
      return 0;
    }
    return clamp(q.getNumericalAmount().multiply(THOUSAND).setScale(0, RoundingMode.CEILING));
  }

  private static long clamp(BigDecimal d) {
    if (d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Long.MAX_VALUE;
    }
    if (d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
      return Long.MIN_VALUE;
    }
    return d.longValue();
  }
}
