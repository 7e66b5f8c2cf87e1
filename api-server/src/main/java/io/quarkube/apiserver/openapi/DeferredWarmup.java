package io.quarkube.apiserver.openapi;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Builds something expensive in the background a while after start, so that the first request for it does not wait,
 * yet its CPU does not compete with what start-up must finish first (readiness, the default RBAC policy, and on
 * `./quarkube up` the other components' JVMs starting beside this one). A request before then builds it on demand.
 */
public final class DeferredWarmup {
  private static final Logger LOG = Logger.getLogger(DeferredWarmup.class);

  /** How long after start the warm-ups run; upstream's readiness does not wait for OpenAPI either. */
  public static final Duration DELAY = Duration.ofSeconds(Long.getLong("quarkube.openapi.warmup-delay-seconds", 10));

  private DeferredWarmup() {}

  public static void start(String name, Runnable build) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(DELAY.toMillis());
        build.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.debugf("%s: %s (built on the first request instead)", name, e.toString());
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }
}
