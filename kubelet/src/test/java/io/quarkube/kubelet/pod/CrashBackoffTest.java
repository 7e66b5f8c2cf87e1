package io.quarkube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CrashBackoffTest {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void failedPullsWaitLongerEachTimeAndSayHowLongIsLeft() {
    CrashBackoff b = new CrashBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5), clock);
    assertEquals(Duration.ZERO, b.remainingSinceFailure("p/pull/c"));
    assertEquals(Duration.ofSeconds(10), b.failedNow("p/pull/c"));
    now = now.plusSeconds(4);
    assertEquals(Duration.ofSeconds(6), b.remainingSinceFailure("p/pull/c"));
    now = now.plusSeconds(6);
    assertEquals(Duration.ZERO, b.remainingSinceFailure("p/pull/c"));
    assertEquals(Duration.ofSeconds(20), b.failedNow("p/pull/c"));
    now = now.plusSeconds(20);
    assertEquals(Duration.ofSeconds(40), b.failedNow("p/pull/c"));
    for (int i = 0; i < 6; i++) {
      now = now.plus(b.current("p/pull/c"));
      b.failedNow("p/pull/c");
    }
    assertEquals(Duration.ofMinutes(5), b.current("p/pull/c"));
  }

  @Test
  void firstRestartAtOnceThenDoublingUpToFiveMinutes() {
    CrashBackoff b = new CrashBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5), clock);
    assertEquals(Duration.ZERO, b.remaining("p/c", now));
    // crashed again right away: waits 10 s
    assertEquals(Duration.ofSeconds(10), b.remaining("p/c", now));
    now = now.plusSeconds(10);
    assertEquals(Duration.ZERO, b.remaining("p/c", now.minusSeconds(10)));
    assertEquals(Duration.ofSeconds(20), b.current("p/c"));
    for (int i = 0; i < 10; i++) {
      now = now.plus(b.current("p/c"));
      b.remaining("p/c", now.minus(b.current("p/c")));
    }
    assertEquals(Duration.ofMinutes(5), b.current("p/c"));
  }

  @Test
  void quietForTwiceTheMaximumStartsOver() {
    CrashBackoff b = new CrashBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5), clock);
    b.remaining("p/c", now);
    now = now.plusSeconds(10);
    b.remaining("p/c", now.minusSeconds(10));
    assertEquals(Duration.ofSeconds(20), b.current("p/c"));
    now = now.plus(Duration.ofMinutes(11));
    assertEquals(Duration.ZERO, b.remaining("p/c", now));
    assertEquals(Duration.ofSeconds(10), b.current("p/c"));
  }
}
