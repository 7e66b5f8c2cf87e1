package io.quarkube.machinery.cron;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A standard 5-field cron schedule as CronJobs use it. Upstream parses with robfig/cron v3's {@code ParseStandard},
 * both in the API server's validation and in the CronJob controller; this class accepts the same specs and fails with
 * the same messages, since they reach users verbatim ({@code spec.schedule: Invalid value: "* * *": expected exactly 5
 * fields, found 3: [* * *]}).
 *
 * <p>Fields: minute, hour, day of month, month, day of week (0-6, Sunday = 0); each a comma list of {@code *} or
 * {@code ?}, values, ranges {@code a-b} and steps {@code /n} ({@code 5/15} runs from 5 to the end); month and weekday
 * names ({@code JAN}, {@code MON}, any case). Descriptors (exact): {@code @yearly @annually @monthly @weekly @daily
 * @midnight @hourly} and {@code @every <duration>} (a Go duration such as {@code 1h30m}: runs that long after the
 * previous time, in whole seconds, at least one second). An optional leading {@code CRON_TZ=<zone>} or {@code
 * TZ=<zone>} sets the zone. When both day fields are restricted (neither is a plain {@code *} or {@code ?}) a day
 * matches either of them.
 */
public final class CronSchedule {
  private static final long STAR = 1L << 63;
  private static final Map<String, Integer> MONTHS = names("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
      "sep", "oct", "nov", "dec");
  private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri",
      5, "sat", 6);
  private static final Bounds MINUTE = new Bounds(0, 59, null);
  private static final Bounds HOUR = new Bounds(0, 23, null);
  private static final Bounds DOM = new Bounds(1, 31, null);
  private static final Bounds MONTH = new Bounds(1, 12, MONTHS);
  private static final Bounds DOW = new Bounds(0, 6, DAYS);
  private static final String EVERY = "@every ";
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  /** Far enough to find Feb 29 on a Monday; a schedule that never fires ("0 0 30 2 *") gives up there. */
  private static final int MAX_YEARS = 30;

  private record Bounds(int min, int max, Map<String, Integer> names) {}

  // Bit i set: value i matches; STAR: the field was a plain * or ? (matters for the two day fields).
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek;
  /** Non-null for {@code @every}: the fixed delay in whole seconds. */
  private final Duration every;
  private final ZoneId zone;

  private CronSchedule(long[] f, Duration every, ZoneId zone) {
    this.minutes = f[0];
    this.hours = f[1];
    this.daysOfMonth = f[2];
    this.months = f[3];
    this.daysOfWeek = f[4];
    this.every = every;
    this.zone = zone;
  }

  /**
   * Parses {@code spec}; {@code defaultZone} applies unless the spec starts with {@code CRON_TZ=}/{@code TZ=}.
   *
   * @throws IllegalArgumentException with robfig/cron's message when the schedule is not valid
   */
  public static CronSchedule parse(String spec, ZoneId defaultZone) {
    if (spec == null || spec.isEmpty()) {
      throw new IllegalArgumentException("empty spec string");
    }
    String s = spec;
    ZoneId zone = defaultZone;
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      int space = s.indexOf(' ');
      if (space < 0) {
        // robfig/cron cannot cut the zone off such a spec (upstream's API server fails the request on it)
        throw new IllegalArgumentException("missing spec after time zone: " + spec);
      }
      String name = s.substring(s.indexOf('=') + 1, space);
      zone = location(name);
      if (zone == null) {
        throw new IllegalArgumentException("provided bad location " + name + ": unknown time zone " + name);
      }
      s = trimSpace(s.substring(space));
    }
    if (s.startsWith("@")) {
      return descriptor(s, zone);
    }
    List<String> fields = fields(s);
    if (fields.size() != 5) {
      throw new IllegalArgumentException("expected exactly 5 fields, found " + fields.size() + ": ["
          + String.join(" ", fields) + "]");
    }
    Bounds[] bounds = {MINUTE, HOUR, DOM, MONTH, DOW};
    long[] bits = new long[5];
    for (int i = 0; i < 5; i++) {
      bits[i] = field(fields.get(i), bounds[i]);
    }
    return new CronSchedule(bits, null, zone);
  }

  /**
   * The zone a CronJob's {@code spec.timeZone} names (an IANA database name such as {@code Europe/Berlin}, or
   * {@code UTC}), or an IllegalArgumentException "unknown time zone NAME".
   */
  public static ZoneId zone(String name) {
    ZoneId zone = name == null || name.isEmpty() || "Local".equals(name) ? null : location(name);
    if (zone == null) {
      throw new IllegalArgumentException("unknown time zone " + name);
    }
    return zone;
  }

  /**
   * The zone Go's {@code time.LoadLocation} finds for {@code name}, or null: "" and {@code UTC} are UTC, {@code Local}
   * the local zone, anything else an exact IANA name (no offsets such as {@code +01:00}, which Java would take).
   */
  public static ZoneId location(String name) {
    if (name.isEmpty() || name.equals("UTC")) {
      return ZoneOffset.UTC;
    }
    if (name.equals("Local")) {
      return ZoneId.systemDefault();
    }
    return AvailableZones.IDS.contains(name) ? ZoneId.of(name) : null;
  }

  private static final class AvailableZones {
    static final Set<String> IDS = ZoneId.getAvailableZoneIds();
  }

  public ZoneId zone() {
    return zone;
  }

  /**
   * The first activation strictly after {@code after} (seconds dropped; for {@code @every}: the delay after
   * {@code after} in whole seconds), or null if there is none in 30 years.
   */
  public ZonedDateTime next(ZonedDateTime after) {
    if (every != null) {
      return after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.SECONDS).plus(every);
    }
    ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    int limit = t.getYear() + MAX_YEARS;
    while (t.getYear() <= limit) {
      if (!has(months, t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
        continue;
      }
      if (!has(hours, t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
        continue;
      }
      if (!has(minutes, t.getMinute())) {
        t = t.plusMinutes(1);
        continue;
      }
      return t;
    }
    return null;
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = has(daysOfMonth, t.getDayOfMonth());
    boolean dow = has(daysOfWeek, t.getDayOfWeek().getValue() % 7);
    return (daysOfMonth & STAR) != 0 || (daysOfWeek & STAR) != 0 ? dom && dow : dom || dow;
  }

  private static boolean has(long bits, int value) {
    return (bits & (1L << value)) != 0;
  }

  private static CronSchedule descriptor(String s, ZoneId zone) {
    String expanded = switch (s) {
      case "@yearly", "@annually" -> "0 0 1 1 *";
      case "@monthly" -> "0 0 1 * *";
      case "@weekly" -> "0 0 * * 0";
      case "@daily", "@midnight" -> "0 0 * * *";
      case "@hourly" -> "0 * * * *";
      default -> null;
    };
    if (expanded != null) {
      return parse(expanded, zone);
    }
    if (s.startsWith(EVERY)) {
      long nanos;
      try {
        nanos = GoDuration.parse(s.substring(EVERY.length()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("failed to parse duration " + s + ": " + e.getMessage());
      }
      // at least a second, and whole seconds only
      long delay = nanos < NANOS_PER_SECOND ? NANOS_PER_SECOND : nanos - nanos % NANOS_PER_SECOND;
      return new CronSchedule(new long[5], Duration.ofNanos(delay), zone);
    }
    throw new IllegalArgumentException("unrecognized descriptor: " + s);
  }

  /** A comma list of ranges; empty items are skipped. */
  private static long field(String text, Bounds b) {
    long bits = 0;
    for (String range : text.split(",")) {
      if (!range.isEmpty()) {
        bits |= range(range, b);
      }
    }
    return bits;
  }

  /** {@code * | ? | n | n-m}, optionally {@code /step}. */
  private static long range(String expr, Bounds b) {
    String[] rangeAndStep = expr.split("/", -1);
    String[] lowAndHigh = rangeAndStep[0].split("-", -1);
    long start;
    long end;
    boolean star = false;
    if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
      start = b.min();
      end = b.max();
      star = true;
    } else {
      start = intOrName(lowAndHigh[0], b.names());
      if (lowAndHigh.length == 1) {
        end = start;
      } else if (lowAndHigh.length == 2) {
        end = intOrName(lowAndHigh[1], b.names());
      } else {
        throw new IllegalArgumentException("too many hyphens: " + expr);
      }
    }
    long step;
    if (rangeAndStep.length == 1) {
      step = 1;
    } else if (rangeAndStep.length == 2) {
      step = number(rangeAndStep[1]);
      if (lowAndHigh.length == 1) {
        end = b.max(); // "5/15": from 5 to the end
      }
      if (step > 1) {
        star = false;
      }
    } else {
      throw new IllegalArgumentException("too many slashes: " + expr);
    }
    if (start < b.min()) {
      throw new IllegalArgumentException("beginning of range (" + start + ") below minimum (" + b.min() + "): "
          + expr);
    }
    if (end > b.max()) {
      throw new IllegalArgumentException("end of range (" + end + ") above maximum (" + b.max() + "): " + expr);
    }
    if (start > end) {
      throw new IllegalArgumentException("beginning of range (" + start + ") beyond end of range (" + end + "): "
          + expr);
    }
    if (step == 0) {
      throw new IllegalArgumentException("step of range should be a positive number: " + expr);
    }
    long bits = star ? STAR : 0;
    for (long i = start; i <= end; i += step) {
      bits |= 1L << i;
      if (step > end - i) {
        break;
      }
    }
    return bits;
  }

  private static long intOrName(String expr, Map<String, Integer> names) {
    if (names != null) {
      Integer named = names.get(expr.toLowerCase(Locale.ROOT));
      if (named != null) {
        return named;
      }
    }
    return number(expr);
  }

  /** A non-negative decimal as Go's {@code strconv.Atoi} reads it (optional sign, ASCII digits, 64 bits). */
  private static long number(String expr) {
    int i = expr.startsWith("+") || expr.startsWith("-") ? 1 : 0;
    if (i == expr.length()) {
      throw atoiError(expr, "invalid syntax");
    }
    long magnitude = 0; // unsigned, as Go reads the digits
    for (; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c < '0' || c > '9') {
        throw atoiError(expr, "invalid syntax");
      }
      if (Long.compareUnsigned(magnitude, Long.divideUnsigned(-1L, 10)) > 0) {
        throw atoiError(expr, "value out of range");
      }
      long next = magnitude * 10 + (c - '0');
      if (Long.compareUnsigned(next, magnitude * 10) < 0) {
        throw atoiError(expr, "value out of range");
      }
      magnitude = next;
    }
    boolean negative = expr.charAt(0) == '-';
    if (negative ? Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0 : magnitude < 0) {
      throw atoiError(expr, "value out of range");
    }
    if (negative && magnitude != 0) {
      throw new IllegalArgumentException("negative number (" + -magnitude + ") not allowed: " + expr);
    }
    return magnitude;
  }

  private static IllegalArgumentException atoiError(String expr, String why) {
    return new IllegalArgumentException("failed to parse int from " + expr + ": strconv.Atoi: parsing "
        + GoDuration.quote(expr) + ": " + why);
  }

  /** Go's {@code strings.Fields}: the runs of non-space characters. */
  private static List<String> fields(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < s.length(); i++) {
      if (isSpace(s.charAt(i))) {
        if (start >= 0) {
          out.add(s.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      out.add(s.substring(start));
    }
    return out;
  }

  private static String trimSpace(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && isSpace(s.charAt(from))) {
      from++;
    }
    while (to > from && isSpace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  /** Go's {@code unicode.IsSpace}. */
  private static boolean isSpace(char c) {
    return switch (c) {
      case ' ', '\t', '\n', '\u000B', '\f', '\r', '\u0085', '\u00A0' -> true;
      default -> c > '\u00FF' && Character.isSpaceChar(c);
    };
  }

  private static Map<String, Integer> names(String... months) {
    Map<String, Integer> m = new java.util.HashMap<>();
    for (int i = 0; i < months.length; i++) {
      m.put(months[i], i + 1);
    }
    return Map.copyOf(m);
  }
}
