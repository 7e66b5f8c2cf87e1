package io.quarkube.apiserver.admission.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Upstream's Kubernetes quantity library: {@code quantity('500m')}, {@code isQuantity(s)}, and on quantities
 * {@code isInteger}, {@code asInteger}, {@code asApproximateFloat}, {@code sign}, {@code add}, {@code sub} (a
 * quantity or an int), {@code isLessThan}, {@code isGreaterThan}, {@code compareTo}. Quantities are exact decimals;
 * two are equal when their amounts are ({@code quantity('1') == quantity('1000m')}).
 */
final class QuantityLibrary {
  static final OpaqueType TYPE = OpaqueType.create("kubernetes.Quantity");
  private static final Pattern FORMAT = Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");

  /** A quantity as CEL carries it. */
  record Value(BigDecimal amount) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Value v && v.amount.compareTo(amount) == 0;
    }

    @Override
    public int hashCode() {
      return amount.stripTrailingZeros().hashCode();
    }

    @Override
    public String toString() {
      return amount.toPlainString();
    }
  }

  private QuantityLibrary() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        CelFunctionDecl.newFunctionDeclaration("quantity",
            CelOverloadDecl.newGlobalOverload("k8s_string_to_quantity", TYPE, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration("isQuantity",
            CelOverloadDecl.newGlobalOverload("k8s_is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
        member("isInteger", "k8s_quantity_is_integer", SimpleType.BOOL),
        member("asInteger", "k8s_quantity_get_int", SimpleType.INT),
        member("asApproximateFloat", "k8s_quantity_get_float", SimpleType.DOUBLE),
        member("sign", "k8s_quantity_sign", SimpleType.INT),
        CelFunctionDecl.newFunctionDeclaration("add",
            CelOverloadDecl.newMemberOverload("k8s_quantity_add", TYPE, TYPE, TYPE),
            CelOverloadDecl.newMemberOverload("k8s_quantity_add_int", TYPE, TYPE, SimpleType.INT)),
        CelFunctionDecl.newFunctionDeclaration("sub",
            CelOverloadDecl.newMemberOverload("k8s_quantity_sub", TYPE, TYPE, TYPE),
            CelOverloadDecl.newMemberOverload("k8s_quantity_sub_int", TYPE, TYPE, SimpleType.INT)),
        CelFunctionDecl.newFunctionDeclaration("isLessThan",
            CelOverloadDecl.newMemberOverload("k8s_quantity_less", SimpleType.BOOL, TYPE, TYPE)),
        CelFunctionDecl.newFunctionDeclaration("isGreaterThan",
            CelOverloadDecl.newMemberOverload("k8s_quantity_greater", SimpleType.BOOL, TYPE, TYPE)),
        CelFunctionDecl.newFunctionDeclaration("compareTo",
            CelOverloadDecl.newMemberOverload("k8s_quantity_compare", SimpleType.INT, TYPE, TYPE)));
  }

  private static CelFunctionDecl member(String name, String id, dev.cel.common.types.CelType result) {
    return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(id, result, TYPE));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("k8s_string_to_quantity", String.class, QuantityLibrary::parse),
        CelFunctionBinding.from("k8s_is_quantity_string", String.class, s -> {
          try {
            parse(s);
            return true;
          } catch (IllegalArgumentException e) {
            return false;
          }
        }),
        CelFunctionBinding.from("k8s_quantity_is_integer", Value.class, q -> isInteger(q.amount())),
        CelFunctionBinding.from("k8s_quantity_get_int", Value.class, q -> {
          if (!isInteger(q.amount())) {
            throw new IllegalArgumentException("cannot convert value to integer");
          }
          try {
            return q.amount().longValueExact();
          } catch (ArithmeticException e) {
            throw new IllegalArgumentException("cannot convert value to integer");
          }
        }),
        CelFunctionBinding.from("k8s_quantity_get_float", Value.class, q -> q.amount().doubleValue()),
        CelFunctionBinding.from("k8s_quantity_sign", Value.class, q -> (long) q.amount().signum()),
        CelFunctionBinding.from("k8s_quantity_add", Value.class, Value.class,
            (a, b) -> new Value(a.amount().add(b.amount()))),
        CelFunctionBinding.from("k8s_quantity_add_int", Value.class, Long.class,
            (a, b) -> new Value(a.amount().add(BigDecimal.valueOf(b)))),
        CelFunctionBinding.from("k8s_quantity_sub", Value.class, Value.class,
            (a, b) -> new Value(a.amount().subtract(b.amount()))),
        CelFunctionBinding.from("k8s_quantity_sub_int", Value.class, Long.class,
            (a, b) -> new Value(a.amount().subtract(BigDecimal.valueOf(b)))),
        CelFunctionBinding.from("k8s_quantity_less", Value.class, Value.class,
            (a, b) -> a.amount().compareTo(b.amount()) < 0),
        CelFunctionBinding.from("k8s_quantity_greater", Value.class, Value.class,
            (a, b) -> a.amount().compareTo(b.amount()) > 0),
        CelFunctionBinding.from("k8s_quantity_compare", Value.class, Value.class,
            (a, b) -> (long) Integer.signum(a.amount().compareTo(b.amount()))));
  }

  static Value parse(String s) {
    if (s == null || !FORMAT.matcher(s).matches()) {
      throw new IllegalArgumentException("quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    try {
      return new Value(Quantity.getAmountInBytes(new Quantity(s)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unable to parse quantity's suffix");
    }
  }

  private static boolean isInteger(BigDecimal d) {
    return d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
  }
}
