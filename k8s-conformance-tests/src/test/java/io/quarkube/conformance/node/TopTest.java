package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl top}: the API server serves the resource metrics API ({@code metrics.k8s.io}) from the kubelets'
 * summaries, as metrics-server does.
 */
@Conformance({"cli.top"})
@ExtendWith(TestNamespace.class)
class TopTest {

  @Test
  void topShowsTheNodeAndAPodsUsage(String ns) {
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("busy").withNamespace(ns)
        .addToLabels("app", "busy").endMetadata().withNewSpec().withNodeName(RealNode.name())
        .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("main").withImage("busybox")
        .withCommand("sleep", "3600").endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "busy", "Running", Duration.ofSeconds(90));
    Kubectl kubectl = Kubectl.stock();
    String nodes = kubectl.run("top", "node").ok().out();
    assertTrue(nodes.contains("CPU(cores)") && nodes.contains("MEMORY(bytes)") && nodes.contains(RealNode.name()),
        nodes);
    AtomicReference<String> pods = new AtomicReference<>("");
    // the kubelet reports a pod once it has sampled it
    Await.until(Duration.ofSeconds(60), "kubectl top pod lists busy", () -> {
      Kubectl.Result r = kubectl.run("top", "pod", "-n", ns, "-l", "app=busy", "--containers");
      pods.set(r.out() + r.err());
      return r.exitCode() == 0 && r.out().contains("busy") && r.out().contains("main");
    });
    assertTrue(pods.get().contains("MEMORY(bytes)"), pods.get());
  }
}
