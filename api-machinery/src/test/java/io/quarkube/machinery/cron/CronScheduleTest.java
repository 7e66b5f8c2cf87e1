package io.quarkube.machinery.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static final ZonedDateTime T0 = ZonedDateTime.parse("2026-03-04T10:17:30Z"); // a Wednesday

  private static String next(String spec, ZonedDateTime after) {
    return CronSchedule.parse(spec, ZoneOffset.UTC).next(after).withZoneSameInstant(ZoneOffset.UTC).toString();
  }

  @Test
  void everyMinuteAndSteps() {
    assertEquals("2026-03-04T10:18Z", next("* * * * *", T0));
    assertEquals("2026-03-04T10:30Z", next("*/15 * * * *", T0));
    assertEquals("2026-03-04T10:20Z", next("5/15 * * * *", T0));
    assertEquals("2026-03-04T11:00Z", next("0 * * * *", T0));
    assertEquals("2026-03-04T10:25Z", next("10-20/5,25 * * * *", ZonedDateTime.parse("2026-03-04T10:21:00Z")));
  }

  @Test
  void namesMacrosAndDays() {
    assertEquals("2026-03-05T00:00Z", next("@daily", T0));
    assertEquals("2026-03-04T11:00Z", next("@hourly", T0));
    assertEquals("2026-03-08T00:00Z", next("@weekly", T0)); // Sunday
    assertEquals("2026-04-01T00:00Z", next("@monthly", T0));
    assertEquals("2027-01-01T00:00Z", next("@yearly", T0));
    assertEquals("2026-03-06T09:00Z", next("0 9 * * FRI", T0));
    assertEquals("2026-03-08T09:00Z", next("0 9 * * SUN", T0));
    assertEquals("2026-06-01T00:00Z", next("0 0 1 jun-aug *", T0));
  }

  @Test
  void bothDayFieldsRestrictedMeansEither() {
    // the 15th, or any Monday: Monday the 9th comes first
    assertEquals("2026-03-09T00:00Z", next("0 0 15 * MON", T0));
    // with a star in day of week only the 15th counts
    assertEquals("2026-03-15T00:00Z", next("0 0 15 * *", T0));
  }

  @Test
  void timeZones() {
    ZonedDateTime t = ZonedDateTime.parse("2026-03-04T10:17:30Z");
    CronSchedule tokyo = CronSchedule.parse("0 9 * * *", ZoneId.of("Asia/Tokyo"));
    assertEquals("2026-03-05T00:00Z", tokyo.next(t).withZoneSameInstant(ZoneOffset.UTC).toString());
    CronSchedule inline = CronSchedule.parse("CRON_TZ=America/New_York 0 9 * * *", ZoneOffset.UTC);
    assertEquals("2026-03-04T14:00Z", inline.next(t).withZoneSameInstant(ZoneOffset.UTC).toString());
    // New York moves to summer time on 2026-03-08: 9:00 is 13:00 UTC from then on
    assertEquals("2026-03-08T13:00Z", inline.next(ZonedDateTime.parse("2026-03-07T15:00:00Z"))
        .withZoneSameInstant(ZoneOffset.UTC).toString());
  }

  @Test
  void neverFiringScheduleGivesNull() {
    assertNull(CronSchedule.parse("0 0 30 2 *", ZoneOffset.UTC).next(T0));
  }

  @Test
  void badSpecsAreRejectedWithAReason() {
    for (String bad : new String[] {"", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
        "*/0 * * * *", "5-1 * * * *", "@every-day", "x * * * *", "CRON_TZ=Mars/Olympus * * * * *"}) {
      assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(bad, ZoneOffset.UTC), bad);
    }
  }

  private static String error(String spec) {
    return assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(spec, ZoneOffset.UTC), spec)
        .getMessage();
  }

  /** The messages are robfig/cron v3's: upstream's API server answers them verbatim. */
  @Test
  void messagesAreRobfigCrons() {
    assertEquals("empty spec string", error(""));
    assertEquals("expected exactly 5 fields, found 3: [* * *]", error("* * *"));
    assertEquals("expected exactly 5 fields, found 6: [0 0 10 * * ?]", error("0 0 10 * * ?"));
    assertEquals("end of range (61) above maximum (59): 61", error("61 * * * *"));
    assertEquals("end of range (24) above maximum (23): 24", error("* 24 * * *"));
    assertEquals("beginning of range (0) below minimum (1): 0", error("* * 0 * *"));
    assertEquals("end of range (7) above maximum (6): 7", error("0 9 * * 7"));
    assertEquals("end of range (13) above maximum (12): 1-13", error("* * * 1-13 *"));
    assertEquals("beginning of range (5) beyond end of range (1): 5-1", error("5-1 * * * *"));
    assertEquals("step of range should be a positive number: */0", error("*/0 * * * *"));
    assertEquals("too many hyphens: 1-2-3", error("1-2-3 * * * *"));
    assertEquals("too many slashes: */2/3", error("*/2/3 * * * *"));
    assertEquals("failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax", error("x * * * *"));
    assertEquals("failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax", error("-5 * * * *"));
    assertEquals("negative number (-2) not allowed: -2", error("*/-2 * * * *"));
    assertEquals("failed to parse int from 99999999999999999999: strconv.Atoi: parsing \"99999999999999999999\": "
        + "value out of range", error("99999999999999999999 * * * *"));
    assertEquals("unrecognized descriptor: @every5", error("@every5"));
    assertEquals("unrecognized descriptor: @Daily", error("@Daily"));
    assertEquals("failed to parse duration @every 5x: time: unknown unit \"x\" in duration \"5x\"",
        error("@every 5x"));
    assertEquals("failed to parse duration @every 5: time: missing unit in duration \"5\"", error("@every 5"));
    assertEquals("failed to parse duration @every : time: invalid duration \"\"", error("@every "));
    assertEquals("provided bad location Mars/Olympus: unknown time zone Mars/Olympus",
        error("CRON_TZ=Mars/Olympus * * * * *"));
  }

  @Test
  void robfigsQuirksAreAccepted() {
    // names in any case, ? as *, empty list items, surrounding white space, a 5/15 step from 5 to the end
    assertEquals("2026-03-06T09:00Z", next(" 0  9 ? * fri\t", T0));
    assertEquals("2026-03-04T10:20Z", next("5/15,, * * * *", T0));
    assertEquals("2026-03-05T00:00Z", next("TZ=UTC @daily", T0));
  }

  @Test
  void starWithAStepRestrictsTheDay() {
    // "*/2" in day of month is no plain star: with a weekday given either day field matches (robfig's star bit)
    assertEquals("2026-03-05T00:00Z", next("0 0 */2 * MON", T0)); // the 5th is odd: day of month matches
    // "*/1" still is a star: only Mondays
    assertEquals("2026-03-09T00:00Z", next("0 0 */1 * MON", T0));
  }

  @Test
  void everyRunsAFixedDelayInWholeSeconds() {
    ZonedDateTime t = ZonedDateTime.parse("2026-03-04T10:17:30.250Z");
    assertEquals("2026-03-04T11:47:30Z", CronSchedule.parse("@every 1h30m", ZoneOffset.UTC).next(t).toString());
    assertEquals("2026-03-04T10:17:32Z", CronSchedule.parse("@every 2.9s", ZoneOffset.UTC).next(t).toString());
    assertEquals("2026-03-04T10:17:31Z", CronSchedule.parse("@every 10ms", ZoneOffset.UTC).next(t).toString());
    assertEquals("2026-03-04T10:17:31Z", CronSchedule.parse("@every -5m", ZoneOffset.UTC).next(t).toString());
  }

  @Test
  void goDurations() {
    assertEquals(5_400_000_000_000L, GoDuration.parse("1.5h"));
    assertEquals(0L, GoDuration.parse("-0"));
    assertEquals(1_500L, GoDuration.parse("1\u00B5s500ns"));
    assertEquals(-90_000_000_000L, GoDuration.parse("-1m30s"));
    assertEquals("time: invalid duration \".s\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(".s")).getMessage());
    assertEquals("time: invalid duration \"9999999999h\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("9999999999h")).getMessage());
  }

  @Test
  void zonesAreIanaNamesOnly() {
    assertEquals(ZoneId.of("Europe/Berlin"), CronSchedule.zone("Europe/Berlin"));
    assertEquals(ZoneOffset.UTC, CronSchedule.zone("UTC"));
    for (String bad : new String[] {"Nowhere/Void", "+01:00", "Z", "europe/berlin", "Local", ""}) {
      assertEquals("unknown time zone " + bad,
          assertThrows(IllegalArgumentException.class, () -> CronSchedule.zone(bad), bad).getMessage());
    }
  }
}
