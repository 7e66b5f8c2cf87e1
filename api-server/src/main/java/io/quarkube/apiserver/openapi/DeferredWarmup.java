package io.quarkube.apiserver.openapi;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.jboss.logging.Logger;

/**
 * Builds something expensive in the background once start-up is over, so that the first request for it does not wait,
 * yet its CPU does not compete with what start-up must finish first (readiness, the default RBAC policy, and on
 * `./quarkube up` the other components' JVMs starting beside this one: their start is CPU-bound on two cores, and
 * the OpenAPI documents were a sixth of this JVM's samples in those seconds). It waits {@link #DELAY}, then until
 * the machine's CPU has been mostly idle for two polls in a row ({@link #awaitQuiet}), at most {@link #MAX_WAIT}.
 * A request before then builds it on demand.
 */
public final class DeferredWarmup {
  private static final Logger LOG = Logger.getLogger(DeferredWarmup.class);

  /** How long after start the warm-ups wait at least; upstream's readiness does not wait for OpenAPI either. */
  public static final Duration DELAY = Duration.ofSeconds(Long.getLong("quarkube.openapi.warmup-delay-seconds", 10));
  /** After this long they run whatever the machine's load. */
  static final Duration MAX_WAIT = Duration.ofSeconds(60);
  /** The machine's CPU use (0..1, all cores) below which it counts as quiet. */
  static final double QUIET_LOAD = 0.6;
  static final Duration POLL = Duration.ofSeconds(1);

  private DeferredWarmup() {}

  public static void start(String name, Runnable build) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(DELAY.toMillis());
        int polls = awaitQuiet(machineCpuLoad(), () -> Thread.sleep(POLL.toMillis()),
            (int) (MAX_WAIT.minus(DELAY).toMillis() / POLL.toMillis()));
        LOG.debugf("%s: building after %d s of waiting for a quiet CPU", name, polls * POLL.toSeconds());
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

  /** Pauses between polls; a test passes one that does not sleep. */
  interface Pause {
    void pause() throws InterruptedException;
  }

  /**
   * Polls {@code load} until two readings in a row are below {@link #QUIET_LOAD} (a negative reading, "not known",
   * counts as quiet) or {@code maxPolls} pauses have passed; returns the number of pauses.
   */
  static int awaitQuiet(DoubleSupplier load, Pause pause, int maxPolls) throws InterruptedException {
    int quietInARow = 0;
    int polls = 0;
    while (polls < maxPolls) {
      quietInARow = load.getAsDouble() < QUIET_LOAD ? quietInARow + 1 : 0;
      if (quietInARow == 2) {
        break;
      }
      pause.pause();
      polls++;
    }
    return polls;
  }

  /** The whole machine's recent CPU use from the JVM's operating-system bean (negative when not available). */
  private static DoubleSupplier machineCpuLoad() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os::getCpuLoad;
    }
    return () -> -1;
  }
}
