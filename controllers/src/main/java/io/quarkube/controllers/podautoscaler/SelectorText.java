package io.quarkube.controllers.podautoscaler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A label selector in its text form ({@code app=web,tier in (a,b),!canary}), as a Scale's {@code status.selector}
 * carries it: upstream's {@code labels.Parse} for the operators it prints ({@code =}, {@code ==}, {@code !=},
 * {@code in}, {@code notin}, exists, {@code !} not exists).
 */
final class SelectorText {
  private record Requirement(String key, String op, Set<String> values) {}

  private final List<Requirement> requirements;

  private SelectorText(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  static SelectorText parse(String text) {
    List<Requirement> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ',';
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        String part = text.substring(start, i).trim();
        if (!part.isEmpty()) {
          out.add(requirement(part));
        }
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("unbalanced parentheses in \"" + text + "\"");
    }
    return new SelectorText(out);
  }

  private static Requirement requirement(String part) {
    java.util.regex.Matcher set = java.util.regex.Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$")
        .matcher(part);
    if (set.matches()) {
      Set<String> values = new java.util.HashSet<>();
      for (String v : set.group(3).split(",")) {
        values.add(v.trim());
      }
      return new Requirement(set.group(1), set.group(2), values);
    }
    for (String op : new String[] {"!=", "==", "="}) {
      int at = part.indexOf(op);
      if (at > 0) {
        return new Requirement(part.substring(0, at).trim(), op.equals("!=") ? "!=" : "=",
            Set.of(part.substring(at + op.length()).trim()));
      }
    }
    if (part.startsWith("!")) {
      return new Requirement(part.substring(1).trim(), "!exists", Set.of());
    }
    if (part.contains(" ") || part.contains("(")) {
      throw new IllegalArgumentException("unable to parse requirement: \"" + part + "\"");
    }
    return new Requirement(part, "exists", Set.of());
  }

  boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (Requirement r : requirements) {
      String v = l.get(r.key());
      boolean ok = switch (r.op()) {
        case "=" -> v != null && r.values().contains(v);
        case "!=" -> v == null || !r.values().contains(v);
        case "in" -> v != null && r.values().contains(v);
        case "notin" -> v == null || !r.values().contains(v);
        case "exists" -> v != null;
        default -> v == null;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
