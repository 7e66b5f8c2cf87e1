package io.quarkube.conformance.controllers;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes (controllers converge; tests wait for that, never a fixed time). */
final class Await {
  private Await() {}

  /**
   * Waits for the namespace's {@code default} ServiceAccount: the ServiceAccount admission plugin rejects pods until
   * the controller made it (upstream's e2e framework waits the same way).
   */
  static void defaultServiceAccount(io.fabric8.kubernetes.client.KubernetesClient client, String ns) {
    until(Duration.ofSeconds(30), "default ServiceAccount in " + ns,
        () -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
  }

  static void until(Duration timeout, String what, Supplier<Boolean> condition) {
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
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what, last);
  }
}
