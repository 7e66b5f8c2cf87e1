package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Texts the kubelet shows users, worded as upstream's: probe failure events and logs of a container not started. */
@ExtendWith(TestNamespace.class)
class KubeletMessagesTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private final KubernetesClient client = RealNode.client();

  private PodBuilder pod(String ns, String name, String image) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("c").withImage(image).withCommand("sleep", "3600").endContainer().endSpec();
  }

  @Test
  void execProbeFailureEventCarriesTheCommandsOutput(String ns) {
    client.resource(pod(ns, "unready", "busybox").editSpec().editFirstContainer().withNewReadinessProbe()
        .withNewExec().withCommand("test", "-f", "/tmp/ready").endExec().withPeriodSeconds(1).endReadinessProbe()
        .endContainer().endSpec().build()).create();
    Await.until(WAIT, "an Unhealthy event", () -> unhealthy(ns).isPresent());
    // test -f prints nothing: upstream's event is the bare prefix.
    assertEquals("Readiness probe failed: ", unhealthy(ns).get().getMessage());
  }

  private Optional<Event> unhealthy(String ns) {
    List<Event> events = client.v1().events().inNamespace(ns).list().getItems();
    return events.stream().filter(e -> "Unhealthy".equals(e.getReason())).findFirst();
  }

  @Test
  void logsOfAContainerWhoseImageCannotBePulled(String ns) {
    client.resource(pod(ns, "x", "no-such-image-anywhere:1").build()).create();
    Await.until(WAIT, "ImagePullBackOff", () -> "ImagePullBackOff".equals(waitingReason(ns)));
    Kubectl.Result logs = Kubectl.stock().run("logs", "x", "-n", ns);
    String expected = "ImagePullBackOff".equals(waitingReason(ns))
        ? "container \"c\" in pod \"x\" is waiting to start: trying and failing to pull image"
        : "container \"c\" in pod \"x\" is waiting to start: image can't be pulled";
    assertTrue(logs.exitCode() != 0 && logs.err().contains(expected), logs.toString());
  }

  private String waitingReason(String ns) {
    Pod p = RealNode.pod(ns, "x");
    if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null
        || p.getStatus().getContainerStatuses().isEmpty()) {
      return null;
    }
    var waiting = p.getStatus().getContainerStatuses().get(0).getState().getWaiting();
    return waiting == null ? null : waiting.getReason();
  }
}
