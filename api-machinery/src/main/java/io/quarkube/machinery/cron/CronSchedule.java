package io.quarkube.controllers.cronjob;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * A standard 5-field cron schedule as CronJobs use it (upstream parses with robfig/cron's {@code ParseStandard}):
 * minute, hour, day of month, month, day of week; each field a list of {@code *}, values, ranges {@code a-b} and steps
 * {@code /n}; month and weekday names ({@code JAN}, {@code MON}); {@code ?} as {@code *}; 7 = Sunday; the macros
 * {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}; an optional leading {@code CRON_TZ=<zone>} or
 * {@code TZ=<zone>}. As in cron, when both day fields are restricted a day matches either of them.
 */
public final class CronSchedule {
  private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
      "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  /** Far enough to find Feb 29 on a Monday; a schedule that never fires ("0 0 30 2 *") gives up there. */
  private static final int MAX_YEARS = 30;

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domStar;
  private final boolean dowStar;
  private final ZoneId zone;

  private CronSchedule(String[] f, ZoneId zone) {
    minutes = field(f[0], 0, 59, null, "minute");
    hours = field(f[1], 0, 23, null, "hour");
    daysOfMonth = field(f[2], 1, 31, null, "day of month");
    months = field(f[3], 1, 12, MONTHS, "month");
    BitSet dow = field(f[4], 0, 7, DAYS, "day of week");
    if (dow.get(7)) {
      dow.set(0);
    }
    daysOfWeek = dow;
    domStar = f[2].startsWith("*") || f[2].startsWith("?");
    dowStar = f[4].startsWith("*") || f[4].startsWith("?");
    this.zone = zone;
  }

  /**
   * Parses {@code spec}; {@code defaultZone} applies unless the spec starts with {@code CRON_TZ=}/{@code TZ=}.
   *
   * @throws IllegalArgumentException with a message fit for an event when the schedule is not valid
   */
  public static CronSchedule parse(String spec, ZoneId defaultZone) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty spec string");
    }
    String s = spec.trim();
    ZoneId zone = defaultZone;
    if (s.startsWith("CRON_TZ=") || s.startsWith("TZ=")) {
      int sp = s.indexOf(' ');
      if (sp < 0) {
        throw new IllegalArgumentException("missing spec after timezone: " + spec);
      }
      zone = zone(s.substring(s.indexOf('=') + 1, sp));
      s = s.substring(sp + 1).trim();
    }
    if (s.startsWith("@")) {
      String expanded = MACROS.get(s.toLowerCase(Locale.ROOT));
      if (expanded == null) {
        throw new IllegalArgumentException("unrecognized descriptor: " + s);
      }
      s = expanded;
    }
    String[] fields = s.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException("expected exactly 5 fields, found " + fields.length + ": " + s);
    }
    return new CronSchedule(fields, zone);
  }

  /** The zone named {@code name} (IANA database), or an IllegalArgumentException. */
  public static ZoneId zone(String name) {
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone " + name);
    }
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first activation strictly after {@code after} (seconds dropped), or null if there is none in 30 years. */
  public ZonedDateTime next(ZonedDateTime after) {
    ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    int limit = t.getYear() + MAX_YEARS;
    while (t.getYear() <= limit) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
        continue;
      }
      if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
        continue;
      }
      if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
        continue;
      }
      return t;
    }
    return null;
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    return domStar || dowStar ? dom && dow : dom || dow;
  }

  private static BitSet field(String text, int min, int max, String[] names, String what) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",")) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = number(part.substring(slash + 1), 0, Integer.MAX_VALUE, null, what);
        if (step <= 0) {
          throw new IllegalArgumentException("step of range should be a positive number: " + part);
        }
        range = part.substring(0, slash);
      }
      int from;
      int to;
      if (range.equals("*") || range.equals("?")) {
        from = min;
        to = max == 7 ? 6 : max;
      } else {
        int dash = range.indexOf('-');
        if (dash > 0) {
          from = number(range.substring(0, dash), min, max, names, what);
          to = number(range.substring(dash + 1), min, max, names, what);
        } else {
          from = number(range, min, max, names, what);
          // "5/15" means 5 to the end, every 15 (as robfig/cron).
          to = slash >= 0 ? max : from;
        }
      }
      if (from > to) {
        throw new IllegalArgumentException("beginning of range (" + from + ") beyond end of range (" + to + "): "
            + part);
      }
      for (int i = from; i <= to; i += step) {
        bits.set(i);
      }
    }
    return bits;
  }

  private static int number(String s, int min, int max, String[] names, String what) {
    int value = -1;
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(s)) {
          value = names == MONTHS ? i + 1 : i;
        }
      }
    }
    if (value < 0) {
      try {
        value = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("failed to parse int from " + s + " in " + what + " field");
      }
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " value " + value + " out of range [" + min + ", " + max + "]");
    }
    return value;
  }
}
