package io.quarkube.apiserver.admission.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of upstream's Kubernetes CEL libraries that policies commonly use and CEL-Java's extensions lack: the
 * list library ({@code isSorted}, {@code sum}, {@code min}, {@code max}, {@code indexOf}, {@code lastIndexOf}) and
 * the regex library ({@code find}, {@code findAll}). Each function has one overload on a type parameter, so values
 * of dynamic type (everything read from an object) dispatch to it at run time.
 */
final class KubernetesLibrary {
  private static final TypeParamType T = TypeParamType.create("T");
  private static final ListType LIST_T = ListType.create(T);

  private KubernetesLibrary() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        member("isSorted", "k8s_list_is_sorted", SimpleType.BOOL, LIST_T),
        member("sum", "k8s_list_sum", T, LIST_T),
        member("min", "k8s_list_min", T, LIST_T),
        member("max", "k8s_list_max", T, LIST_T),
        member("indexOf", "k8s_list_index_of", SimpleType.INT, LIST_T, T),
        member("lastIndexOf", "k8s_list_last_index_of", SimpleType.INT, LIST_T, T),
        member("find", "k8s_string_find", SimpleType.STRING, SimpleType.STRING, SimpleType.STRING),
        CelFunctionDecl.newFunctionDeclaration("findAll",
            CelOverloadDecl.newMemberOverload("k8s_string_find_all", ListType.create(SimpleType.STRING),
                SimpleType.STRING, SimpleType.STRING),
            CelOverloadDecl.newMemberOverload("k8s_string_find_all_n", ListType.create(SimpleType.STRING),
                SimpleType.STRING, SimpleType.STRING, SimpleType.INT)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("k8s_list_is_sorted", List.class, KubernetesLibrary::isSorted),
        CelFunctionBinding.from("k8s_list_sum", List.class, KubernetesLibrary::sum),
        CelFunctionBinding.from("k8s_list_min", List.class, l -> extreme(l, -1)),
        CelFunctionBinding.from("k8s_list_max", List.class, l -> extreme(l, 1)),
        CelFunctionBinding.from("k8s_list_index_of", List.class, Object.class, (l, e) -> (long) indexOf(l, e, false)),
        CelFunctionBinding.from("k8s_list_last_index_of", List.class, Object.class,
            (l, e) -> (long) indexOf(l, e, true)),
        CelFunctionBinding.from("k8s_string_find", String.class, String.class, (s, re) -> {
          Matcher m = Pattern.compile(re).matcher(s);
          return m.find() ? m.group() : "";
        }),
        CelFunctionBinding.from("k8s_string_find_all", String.class, String.class, (s, re) -> findAll(s, re, -1)),
        CelFunctionBinding.from("k8s_string_find_all_n", List.of(String.class, String.class, Long.class),
            args -> findAll((String) args[0], (String) args[1], (Long) args[2])));
  }

  private static CelFunctionDecl member(String name, String id, dev.cel.common.types.CelType result,
      dev.cel.common.types.CelType... args) {
    return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(id, result, args));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof Comparable c && a.getClass().equals(b.getClass())) {
      return c.compareTo(b);
    }
    throw new IllegalArgumentException("no such overload: elements of type " + CelValues.typeName(a) + " and "
        + CelValues.typeName(b) + " cannot be compared");
  }

  private static boolean isSorted(List<?> l) {
    for (int i = 1; i < l.size(); i++) {
      if (compare(l.get(i - 1), l.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }

  private static Object sum(List<?> l) {
    if (l.isEmpty()) {
      return 0L;
    }
    if (l.stream().allMatch(e -> e instanceof Long)) {
      long s = 0;
      for (Object e : l) {
        s = Math.addExact(s, (Long) e);
      }
      return s;
    }
    double d = 0;
    for (Object e : l) {
      if (!(e instanceof Number n)) {
        throw new IllegalArgumentException("no such overload: sum of " + CelValues.typeName(e));
      }
      d += n.doubleValue();
    }
    return d;
  }

  private static Object extreme(List<?> l, int sign) {
    if (l.isEmpty()) {
      throw new IllegalArgumentException((sign < 0 ? "min" : "max") + " called on empty list");
    }
    Object best = l.get(0);
    for (Object e : l) {
      if (compare(e, best) * sign > 0) {
        best = e;
      }
    }
    return best;
  }

  private static int indexOf(List<?> l, Object e, boolean last) {
    int found = -1;
    for (int i = 0; i < l.size(); i++) {
      if (equal(l.get(i), e)) {
        found = i;
        if (!last) {
          break;
        }
      }
    }
    return found;
  }

  private static boolean equal(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return a.equals(b);
  }

  private static List<String> findAll(String s, String re, long limit) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(re).matcher(s);
    while ((limit < 0 || out.size() < limit) && m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
