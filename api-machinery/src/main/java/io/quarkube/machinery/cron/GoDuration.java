package io.quarkube.machinery.cron;

import java.util.Map;

/**
 * Go's duration syntax ({@code time.ParseDuration}) as far as {@code @every} schedules need it: a possibly signed
 * sequence of decimal numbers, each with optional fraction and a unit ({@code ns us µs ms s m h}), e.g.
 * {@code 1h30m}, {@code 1.5h}, {@code -2m}; "0" alone needs no unit. Errors carry Go's messages.
 */
final class GoDuration {
  private static final long MIN_VALUE_BITS = Long.MIN_VALUE; // 1<<63 as an unsigned value
  private static final Map<String, Long> UNITS = Map.of("ns", 1L, "us", 1_000L, "\u00B5s", 1_000L, "\u03BCs", 1_000L,
      "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private GoDuration() {}

  /** The duration in nanoseconds, or an IllegalArgumentException with Go's message. */
  static long parse(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    long total = 0; // unsigned, at most 1<<63
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '.' && !digit(c)) {
        throw invalid(text);
      }
      // the integer part
      int start = i;
      long whole = 0;
      while (i < s.length() && digit(s.charAt(i))) {
        if (Long.compareUnsigned(whole, Long.divideUnsigned(MIN_VALUE_BITS, 10)) > 0) {
          throw invalid(text);
        }
        whole = whole * 10 + (s.charAt(i) - '0');
        if (Long.compareUnsigned(whole, MIN_VALUE_BITS) > 0) {
          throw invalid(text);
        }
        i++;
      }
      boolean pre = i > start;
      // the fraction
      long fraction = 0;
      double scale = 1;
      boolean post = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fracStart = i;
        boolean overflow = false;
        while (i < s.length() && digit(s.charAt(i))) {
          if (!overflow) {
            if (fraction > (Long.MAX_VALUE) / 10) {
              overflow = true;
            } else {
              long y = fraction * 10 + (s.charAt(i) - '0');
              if (y < 0) {
                overflow = true;
              } else {
                fraction = y;
                scale *= 10;
              }
            }
          }
          i++;
        }
        post = i > fracStart;
      }
      if (!pre && !post) {
        throw invalid(text);
      }
      // the unit
      int unitStart = i;
      while (i < s.length() && s.charAt(i) != '.' && !digit(s.charAt(i))) {
        i++;
      }
      if (i == unitStart) {
        throw new IllegalArgumentException("time: missing unit in duration " + quote(text));
      }
      String unitName = s.substring(unitStart, i);
      Long unit = UNITS.get(unitName);
      if (unit == null) {
        throw new IllegalArgumentException("time: unknown unit " + quote(unitName) + " in duration "
            + quote(text));
      }
      if (Long.compareUnsigned(whole, Long.divideUnsigned(MIN_VALUE_BITS, unit)) > 0) {
        throw invalid(text);
      }
      long value = whole * unit;
      if (fraction > 0) {
        value += (long) (fraction * (unit / scale));
        if (Long.compareUnsigned(value, MIN_VALUE_BITS) > 0) {
          throw invalid(text);
        }
      }
      if (Long.compareUnsigned(value, MIN_VALUE_BITS - total) > 0) {
        throw invalid(text);
      }
      total += value;
    }
    if (negative) {
      return -total;
    }
    if (total < 0) { // exactly 1<<63
      throw invalid(text);
    }
    return total;
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("time: invalid duration " + quote(text));
  }

  /** A double-quoted Go string literal for {@code s}. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < ' ' || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
