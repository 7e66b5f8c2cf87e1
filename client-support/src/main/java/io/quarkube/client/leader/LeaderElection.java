package io.quarkube.client.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Lease-based leader election (Fabric8's {@link io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector}
 * on a coordination.k8s.io/v1 Lease), with upstream's defaults: lease 15 s, renew deadline 10 s, retry every 2 s.
 * Only the holder of the Lease runs its work; a standby takes over at most one lease duration after the holder stops
 * renewing. The Lease is released on a clean stop, so a restart hands over at once.
 *
 * @param namespace Lease namespace (upstream: {@code kube-system})
 * @param name Lease name (e.g. {@code kube-controller-manager})
 * @param identity this candidate's holder identity (see {@link #defaultIdentity()})
 */
public record LeaderElection(String namespace, String name, String identity, Duration leaseDuration,
    Duration renewDeadline, Duration retryPeriod) {

  public LeaderElection {
    Objects.requireNonNull(namespace);
    Objects.requireNonNull(name);
    Objects.requireNonNull(identity);
    if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
      throw new IllegalArgumentException("need retryPeriod < renewDeadline < leaseDuration");
    }
  }

  /** Upstream's timings (15 s / 10 s / 2 s) for the Lease {@code namespace/name}. */
  public static LeaderElection withDefaults(String namespace, String name) {
    return new LeaderElection(namespace, name, defaultIdentity(), Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofSeconds(2));
  }

  /**
   * client-go's leader election gauge, {@code leader_election_master_status{name="<lease>"}}: 1 while
   * {@code leading}. One definition for every component, as they share a registry when they share a JVM.
   */
  public static void registerStatusGauge(MeterRegistry registry, String leaseName, BooleanSupplier leading) {
    Gauge.builder("leader_election_master_status", () -> leading.getAsBoolean() ? 1 : 0).tag("name", leaseName)
        .description("1 while this instance holds the leader Lease").register(registry);
  }

  /** {@code <hostname>_<random uuid>}, as upstream's components name themselves. */
  public static String defaultIdentity() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "_" + UUID.randomUUID();
  }

  /**
   * Campaigns for the Lease in the background. {@code onStartedLeading} runs when this candidate becomes leader,
   * {@code onStoppedLeading} when it loses the Lease (upstream components exit then), {@code onNewLeader} whenever
   * the observed holder changes. Cancel the returned future to stop campaigning and release the Lease if held (its
   * duration set to 1 s, which candidates honour): Fabric8 writes the release in the cancelling thread, so the
   * client may be closed once {@code cancel} returns, but the API server must still be there.
   */
  public CompletableFuture<?> start(KubernetesClient client, Runnable onStartedLeading, Runnable onStoppedLeading,
      Consumer<String> onNewLeader) {
    return client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName(name)
        .withLock(new LeaseLock(namespace, name, identity))
        .withLeaseDuration(leaseDuration)
        .withRenewDeadline(renewDeadline)
        .withRetryPeriod(retryPeriod)
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(onStartedLeading, onStoppedLeading, onNewLeader))
        .build()).build().start();
  }
}
