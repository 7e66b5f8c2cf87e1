package io.quarkube.machinery.quota;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/** Resource quantities as numbers (cores, bytes, counts) and back in upstream's canonical text. */
public final class Quantities {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final BigDecimal KIBI = BigDecimal.valueOf(1024);
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  private Quantities() {}

  /** The amount of {@code q} ({@code 500m} is 0.5, {@code 1Ki} is 1024); a missing quantity is zero. */
  public static BigDecimal value(Quantity q) {
    return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
  }

  /** {@code 500m}, {@code 2}, {@code 128Mi}: how upstream prints a quantity of this resource. */
  public static String format(String resource, BigDecimal v) {
    if (v.signum() == 0) {
      return "0";
    }
    if (resource.contains("cpu")) {
      if (v.stripTrailingZeros().scale() <= 0) {
        return v.setScale(0, RoundingMode.UNNECESSARY).toPlainString();
      }
      return v.multiply(THOUSAND).setScale(0, RoundingMode.CEILING).toPlainString() + "m";
    }
    if (resource.contains("memory") || resource.contains("storage")) {
      BigDecimal x = v.setScale(0, RoundingMode.CEILING);
      int i = 0;
      while (i < BINARY.length - 1 && x.signum() != 0 && x.remainder(KIBI).signum() == 0) {
        x = x.divide(KIBI);
        i++;
      }
      return x.toPlainString() + BINARY[i];
    }
    return v.stripTrailingZeros().toPlainString();
  }

  /** Amounts per resource name as quantities in upstream's text, sorted by name (a quota's {@code status.used}). */
  public static Map<String, Quantity> toQuantities(Map<String, BigDecimal> amounts) {
    Map<String, Quantity> out = new TreeMap<>();
    amounts.forEach((k, v) -> out.put(k, new Quantity(format(k, v))));
    return out;
  }

  /** Same names with the same amounts: {@code 1000m} and {@code 1} are equal; a missing map is empty. */
  public static boolean sameAmounts(Map<String, Quantity> a, Map<String, Quantity> b) {
    Map<String, Quantity> x = a == null ? Map.of() : a;
    Map<String, Quantity> y = b == null ? Map.of() : b;
    if (!x.keySet().equals(y.keySet())) {
      return false;
    }
    for (var e : x.entrySet()) {
      if (value(e.getValue()).compareTo(value(y.get(e.getKey()))) != 0) {
        return false;
      }
    }
    return true;
  }
}
