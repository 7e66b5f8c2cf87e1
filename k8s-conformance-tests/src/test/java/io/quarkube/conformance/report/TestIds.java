package io.quarkube.conformance.report;

import io.quarkube.conformance.Conformance;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The behaviour ids a test method names: its own {@link Conformance} plus its class's. */
final class TestIds {
  private TestIds() {}

  static List<String> of(Class<?> type, Method method) {
    Set<String> ids = new LinkedHashSet<>();
    Conformance onClass = type.getAnnotation(Conformance.class);
    if (onClass != null) {
      ids.addAll(List.of(onClass.value()));
    }
    Conformance onMethod = method.getAnnotation(Conformance.class);
    if (onMethod != null) {
      ids.addAll(List.of(onMethod.value()));
    }
    return List.copyOf(ids);
  }
}
