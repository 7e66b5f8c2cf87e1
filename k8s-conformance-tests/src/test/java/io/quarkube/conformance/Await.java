package io.quarkube.conformance;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes: the cluster converges (controllers, kubelets, proxies), and
 * tests wait for that, never for a fixed time. The one poll loop of the e2e tests.
 */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(100);

  private Await() {}

  /**
   * Polls {@code condition} every 100 ms until it answers true. A condition that throws counts as not yet (the
   * object may not exist yet); the last exception is the cause of the timeout's failure.
   *
   * @param what what is awaited, for the failure message ("pod ns/p in phase Running")
   * @throws AssertionError "timed out after N s waiting for: what" when the deadline passes
   */
  public static void until(Duration timeout, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.get())) {
          return;
        }
        last = null;
      } catch (RuntimeException e) {
        last = e;
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what, last);
  }

  /**
   * Waits for the namespace's {@code default} ServiceAccount: the ServiceAccount admission plugin rejects pods until
   * the controller made it (upstream's e2e framework waits the same way).
   */
  public static void defaultServiceAccount(KubernetesClient client, String ns) {
    until(Duration.ofSeconds(30), "default ServiceAccount in " + ns,
        () -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
  }
}
