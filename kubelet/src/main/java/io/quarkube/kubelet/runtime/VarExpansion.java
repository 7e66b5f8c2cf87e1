package io.quarkube.kubelet.runtime;

import java.util.Map;
import java.util.function.Function;

/**
 * Kubernetes' {@code $(VAR)} expansion (third_party/forked/golang/expansion): {@code $(NAME)} becomes the variable's
 * value when it is defined, stays as written when it is not; {@code $$} is an escaped {@code $}.
 */
public final class VarExpansion {
  private VarExpansion() {}

  public static String expand(String input, Map<String, String> vars) {
    return expand(input, vars, Map.of());
  }

  /** Looks a name up in {@code vars} first, then in {@code fallback} (upstream's MappingFuncFor of several maps). */
  public static String expand(String input, Map<String, String> vars, Map<String, String> fallback) {
    return expand(input, name -> vars.containsKey(name) ? vars.get(name) : fallback.get(name));
  }

  /** Expands with {@code lookup}, which answers null for a name that stays as written. */
  public static String expand(String input, Function<String, String> lookup) {
    if (input == null || input.indexOf('$') < 0) {
      return input;
    }
    StringBuilder out = new StringBuilder(input.length());
    int i = 0;
    while (i < input.length()) {
      char c = input.charAt(i);
      if (c != '$' || i + 1 >= input.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = input.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '(') {
        int close = input.indexOf(')', i + 2);
        if (close < 0) {
          // no closing paren: the rest is literal
          out.append(input, i, input.length());
          break;
        }
        String name = input.substring(i + 2, close);
        String value = lookup.apply(name);
        out.append(value != null ? value : input.substring(i, close + 1));
        i = close + 1;
      } else {
        out.append(c).append(next);
        i += 2;
      }
    }
    return out.toString();
  }
}
