package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Resource quantities as numbers (cores, bytes, counts) and back in upstream's canonical text. */
public final class Quantities {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  private Quantities() {}

  public static BigDecimal value(Quantity q) {
    if (q == null) {
      return BigDecimal.ZERO;
    }
    return Quantity.getAmountInBytes(q);
  }

  /** {@code 500m}, {@code 2}, {@code 128Mi}: how upstream prints a quantity of this resource. */
  public static String format(String resource, BigDecimal v) {
    if (v.signum() == 0) {
      return "0";
    }
    if (resource.contains("cpu")) {
      BigDecimal milli = v.multiply(THOUSAND);
      if (v.stripTrailingZeros().scale() <= 0) {
        return v.setScale(0, RoundingMode.UNNECESSARY).toPlainString();
      }
      return milli.setScale(0, RoundingMode.CEILING).toPlainString() + "m";
    }
    if (resource.contains("memory") || resource.contains("storage")) {
      BigDecimal x = v.setScale(0, RoundingMode.CEILING);
      int i = 0;
      BigDecimal k = BigDecimal.valueOf(1024);
      while (i < BINARY.length - 1 && x.signum() != 0 && x.remainder(k).signum() == 0) {
        x = x.divide(k);
        i++;
      }
      return x.toPlainString() + BINARY[i];
    }
    return v.stripTrailingZeros().toPlainString();
  }
}
