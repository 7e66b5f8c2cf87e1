package io.quarkube.apiserver.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bad values rendered as upstream's error messages show them: Go's {@code %#v} of the value (field.Error prints
 * structs and maps that way), e.g. {@code map[string]string{"a":"b"}}. Each result's {@code toString()} is the text,
 * so {@code FieldError} prints it without quotes.
 */
public final class GoSyntax {
  private GoSyntax() {}

  /** Text that a {@code FieldError} prints as it is. */
  public record Value(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  /** {@code map[string]string{"k":"v", ...}} with sorted keys, as Go's fmt prints maps. */
  public static Value stringMap(Map<String, String> map) {
    return new Value(mapText(map));
  }

  /** {@code v1.LabelSelector{MatchLabels:..., MatchExpressions:...}}. */
  public static Value labelSelector(LabelSelector selector) {
    if (selector == null) {
      return new Value("null");
    }
    return new Value("v1.LabelSelector{MatchLabels:" + mapText(selector.getMatchLabels())
        + ", MatchExpressions:" + requirementsText(selector.getMatchExpressions()) + "}");
  }

  private static String mapText(Map<String, String> map) {
    if (map == null) {
      return "map[string]string(nil)";
    }
    StringBuilder sb = new StringBuilder("map[string]string{");
    String sep = "";
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      sb.append(sep).append(quote(e.getKey())).append(':').append(quote(e.getValue()));
      sep = ", ";
    }
    return sb.append('}').toString();
  }

  private static String requirementsText(List<LabelSelectorRequirement> requirements) {
    // Models start their lists empty, so an empty list is what a request without the field decodes to.
    if (requirements == null || requirements.isEmpty()) {
      return "[]v1.LabelSelectorRequirement(nil)";
    }
    StringBuilder sb = new StringBuilder("[]v1.LabelSelectorRequirement{");
    String sep = "";
    for (LabelSelectorRequirement r : requirements) {
      sb.append(sep).append("v1.LabelSelectorRequirement{Key:").append(quote(r.getKey()))
          .append(", Operator:").append(quote(r.getOperator())).append(", Values:")
          .append(stringsText(r.getValues())).append('}');
      sep = ", ";
    }
    return sb.append('}').toString();
  }

  private static String stringsText(List<String> values) {
    if (values == null || values.isEmpty()) {
      return "[]string(nil)";
    }
    return "[]string{" + String.join(", ", values.stream().map(GoSyntax::quote).toList()) + "}";
  }

  private static String quote(String s) {
    if (s == null) {
      return "\"\"";
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
