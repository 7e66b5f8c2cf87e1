package io.quarkube.controllers.cronjob;

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
    assertEquals("2026-03-08T09:00Z", next("0 9 * * 7", T0)); // 7 is Sunday too
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
}
