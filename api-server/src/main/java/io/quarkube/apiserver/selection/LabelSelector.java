package io.quarkube.apiserver.selection;

import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.validation.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code labelSelector} query parameter: a conjunction of requirements ({@code =, ==, !=, in, notin},
 * existence {@code key} and {@code !key}) with upstream's meaning — {@code !=} and {@code notin} also match objects
 * that lack the label.
 */
public final class LabelSelector {
  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  public static LabelSelector everything() {
    return EVERYTHING;
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }

  public boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels == null ? Map.of() : labels)) {
        return false;
      }
    }
    return true;
  }

  public static LabelSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> out = new ArrayList<>();
    for (String part : splitTopLevel(selector)) {
      out.add(parseRequirement(part.trim(), selector));
    }
    return new LabelSelector(List.copyOf(out));
  }

  enum Operator {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST,
    GREATER_THAN,
    LESS_THAN
  }

  record Requirement(String key, Operator op, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (op) {
        case EQUALS, IN -> v != null && values.contains(v);
        case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
        case GREATER_THAN -> v != null && isLong(v) && Long.parseLong(v) > Long.parseLong(values.iterator().next());
        case LESS_THAN -> v != null && isLong(v) && Long.parseLong(v) < Long.parseLong(values.iterator().next());
      };
    }
  }

  private static Requirement parseRequirement(String s, String whole) {
    if (s.isEmpty()) {
      throw bad(whole, "found '', expected: !, identifier, or 'end of string'");
    }
    if (s.startsWith("!")) {
      String key = s.substring(1).trim();
      checkKey(key, whole);
      return new Requirement(key, Operator.DOES_NOT_EXIST, Set.of());
    }
    int i = 0;
    while (i < s.length() && isKeyChar(s.charAt(i))) {
      i++;
    }
    String key = s.substring(0, i);
    checkKey(key, whole);
    String rest = s.substring(i).trim();
    if (rest.isEmpty()) {
      return new Requirement(key, Operator.EXISTS, Set.of());
    }
    if (rest.startsWith("==")) {
      return new Requirement(key, Operator.EQUALS, Set.of(value(rest.substring(2), whole)));
    }
    if (rest.startsWith("!=")) {
      return new Requirement(key, Operator.NOT_EQUALS, Set.of(value(rest.substring(2), whole)));
    }
    if (rest.startsWith("=")) {
      return new Requirement(key, Operator.EQUALS, Set.of(value(rest.substring(1), whole)));
    }
    if (rest.startsWith(">") || rest.startsWith("<")) {
      String v = rest.substring(1).trim();
      if (!isLong(v)) {
        throw bad(whole, "for 'Gt', 'Lt' operators, the value must be an integer");
      }
      return new Requirement(key, rest.startsWith(">") ? Operator.GREATER_THAN : Operator.LESS_THAN, Set.of(v));
    }
    String lower = rest.toLowerCase();
    if (lower.startsWith("notin") || lower.startsWith("in")) {
      boolean notIn = lower.startsWith("notin");
      String list = rest.substring(notIn ? 5 : 2).trim();
      if (!list.startsWith("(") || !list.endsWith(")")) {
        throw bad(whole, "found '" + list + "', expected: '('");
      }
      Set<String> values = new java.util.LinkedHashSet<>();
      for (String v : list.substring(1, list.length() - 1).split(",", -1)) {
        values.add(value(v, whole));
      }
      return new Requirement(key, notIn ? Operator.NOT_IN : Operator.IN, Set.copyOf(values));
    }
    throw bad(whole, "found '" + rest + "', expected: in, notin, =, ==, !=, gt, lt");
  }

  private static String value(String raw, String whole) {
    String v = raw.trim();
    if (!Validation.isLabelValue(v)) {
      throw bad(whole, "invalid label value: \"" + v + "\": " + Validation.LABEL_VALUE_MESSAGE);
    }
    return v;
  }

  private static void checkKey(String key, String whole) {
    if (!Validation.isQualifiedName(key)) {
      throw bad(whole, "invalid label key \"" + key + "\": " + Validation.QUALIFIED_NAME_MESSAGE);
    }
  }

  private static boolean isKeyChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '/';
  }

  private static boolean isLong(String v) {
    try {
      Long.parseLong(v);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Splits on commas that are not inside an {@code in (...)} list. */
  static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static ApiException bad(String selector, String why) {
    return ApiException.badRequest("unable to parse requirement: " + why + " (in selector \"" + selector + "\")");
  }
}
