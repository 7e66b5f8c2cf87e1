package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Pods should allow activeDeadlineSeconds to be updated": a running pod whose activeDeadlineSeconds is set
 * to 5 is failed by the kubelet with reason DeadlineExceeded, its container killed.
 */
@Conformance("node.active-deadline")
@ExtendWith(TestNamespace.class)
class ActiveDeadlineTest {

  @Test
  void anUpdatedActiveDeadlineFailsTheRunningPod(String ns) {
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("pod-update-activedeadlineseconds")
        .withNamespace(ns).endMetadata().withNewSpec().withNodeName(RealNode.name())
        .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("main").withImage("busybox")
        .withCommand("sleep", "3600").endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "pod-update-activedeadlineseconds", "Running", Duration.ofSeconds(120));
    // a merge patch without resourceVersion: the kubelet writes the status meanwhile
    RealNode.client().pods().inNamespace(ns).withName("pod-update-activedeadlineseconds")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"activeDeadlineSeconds\":5}}");
    Await.until(Duration.ofSeconds(120), "pod Failed with reason DeadlineExceeded", () -> {
      Pod p = RealNode.pod(ns, "pod-update-activedeadlineseconds");
      return "Failed".equals(p.getStatus().getPhase()) && "DeadlineExceeded".equals(p.getStatus().getReason());
    });
    Pod failed = RealNode.pod(ns, "pod-update-activedeadlineseconds");
    assertEquals("Pod was active on the node longer than the specified deadline", failed.getStatus().getMessage());
    Await.until(Duration.ofSeconds(60), "the container killed", () -> RealNode.pod(ns,
        "pod-update-activedeadlineseconds").getStatus().getContainerStatuses().get(0).getState().getTerminated()
        != null);
  }
}
