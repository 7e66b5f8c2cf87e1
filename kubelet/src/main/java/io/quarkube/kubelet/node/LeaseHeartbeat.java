package io.quarkube.kubelet.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The node's heartbeat: the Lease {@code kube-node-lease/<node>}, renewed every quarter of its duration (10 s for
 * 40 s), owned by the Node so it goes when the Node goes (upstream's nodelease controller).
 */
public final class LeaseHeartbeat implements Runnable {
  private static final Logger LOG = Logger.getLogger(LeaseHeartbeat.class);
  public static final String NAMESPACE = "kube-node-lease";

  private final KubernetesClient client;
  private final String nodeName;
  private final Duration duration;
  private final Supplier<Node> node;
  private final Clock clock;
  private volatile boolean lastRenewOk;

  public LeaseHeartbeat(KubernetesClient client, String nodeName, Duration duration, Supplier<Node> node,
      Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.duration = duration;
    this.node = node;
    this.clock = clock;
  }

  public Duration renewInterval() {
    return duration.dividedBy(4);
  }

  public boolean lastRenewOk() {
    return lastRenewOk;
  }

  @Override
  public void run() {
    java.time.ZonedDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atZone(java.time.ZoneOffset.UTC);
    try {
      Lease lease = client.leases().inNamespace(NAMESPACE).withName(nodeName).get();
      if (lease == null) {
        LeaseBuilder fresh = new LeaseBuilder().withNewMetadata().withName(nodeName).withNamespace(NAMESPACE)
            .endMetadata()
            .withNewSpec().withHolderIdentity(nodeName).withLeaseDurationSeconds((int) duration.toSeconds())
            .withRenewTime(now).endSpec();
        Node owner = node.get();
        if (owner != null && owner.getMetadata().getUid() != null) {
          fresh.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
              .withName(nodeName).withUid(owner.getMetadata().getUid()).build()).endMetadata();
        }
        client.leases().inNamespace(NAMESPACE).resource(fresh.build()).create();
      } else {
        lease.getSpec().setHolderIdentity(nodeName);
        lease.getSpec().setLeaseDurationSeconds((int) duration.toSeconds());
        lease.getSpec().setRenewTime(now);
        client.leases().inNamespace(NAMESPACE).resource(lease).update();
      }
      lastRenewOk = true;
    } catch (KubernetesClientException e) {
      lastRenewOk = false;
      LOG.warnf("renewing the node lease failed: %s", e.getMessage());
    } catch (RuntimeException e) {
      lastRenewOk = false;
      LOG.warnf("renewing the node lease failed: %s", e);
    }
  }
}
