package io.quarkube.apiserver.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** /readyz is not ready until every check passes, lists them all when one fails, and with ?verbose. */
class ReadinessChecksTest {
  @Test
  void notReadyUntilTheDefaultPolicyIsWrittenAndTheCachesAreSynced() {
    AtomicBoolean bootstrapped = new AtomicBoolean();
    AtomicBoolean synced = new AtomicBoolean();
    ReadinessChecks checks = new ReadinessChecks(List.of(
        new ReadinessChecks.Check("ping", () -> null),
        new ReadinessChecks.Check("etcd", () -> null),
        new ReadinessChecks.Check("informer-sync", () -> synced.get() ? null : "not finished"),
        new ReadinessChecks.Check("poststarthook/rbac/bootstrap-roles",
            () -> bootstrapped.get() ? null : "not finished")));

    ReadinessChecks.Result r = checks.run("readyz", false);
    assertEquals(500, r.code());
    assertEquals("[+]ping ok\n[+]etcd ok\n[-]informer-sync failed: reason withheld\n"
        + "[-]poststarthook/rbac/bootstrap-roles failed: reason withheld\nreadyz check failed\n", r.body());

    bootstrapped.set(true);
    r = checks.run("readyz", false);
    assertEquals(500, r.code());
    assertEquals("[+]ping ok\n[+]etcd ok\n[-]informer-sync failed: reason withheld\n"
        + "[+]poststarthook/rbac/bootstrap-roles ok\nreadyz check failed\n", r.body());

    synced.set(true);
    assertEquals(new ReadinessChecks.Result(200, "ok"), checks.run("readyz", false));
    assertEquals(new ReadinessChecks.Result(200, "[+]ping ok\n[+]etcd ok\n[+]informer-sync ok\n"
        + "[+]poststarthook/rbac/bootstrap-roles ok\nreadyz check passed\n"), checks.run("readyz", true));
  }

  /** The endpoints are public: upstream withholds the reason there and gives it on the check's own path. */
  @Test
  void aThrowingCheckFailsWithItsReasonOnItsOwnPathOnly() {
    ReadinessChecks checks = new ReadinessChecks(List.of(new ReadinessChecks.Check("ping", () -> null),
        new ReadinessChecks.Check("etcd", () -> {
          throw new IllegalStateException("etcd request failed: connection refused");
        })));
    assertEquals(new ReadinessChecks.Result(500, "[+]ping ok\n[-]etcd failed: reason withheld\n"
        + "healthz check failed\n"), checks.run("healthz", false));
    assertEquals(new ReadinessChecks.Result(500, "internal server error: etcd request failed: connection refused\n"),
        checks.single("etcd"));
    assertEquals(new ReadinessChecks.Result(200, "ok"), checks.single("ping"));
    assertEquals(null, checks.single("nope"));
  }

  @Test
  void excludedChecksAreSkippedAndUnknownExclusionsWarnedAbout() {
    ReadinessChecks checks = new ReadinessChecks(List.of(new ReadinessChecks.Check("ping", () -> null),
        new ReadinessChecks.Check("etcd", () -> "down")));
    assertEquals(new ReadinessChecks.Result(200, "ok"), checks.run("readyz", false, List.of("etcd")));
    assertEquals(new ReadinessChecks.Result(200, "[+]ping ok\n[+]etcd excluded: ok\n"
        + "warn: some health checks cannot be excluded: no matches for \"nope\",\"other\"\nreadyz check passed\n"),
        checks.run("readyz", true, List.of("etcd", "nope", "other")));
    assertEquals(500, checks.run("readyz", true, List.of("ping")).code());
  }
}
