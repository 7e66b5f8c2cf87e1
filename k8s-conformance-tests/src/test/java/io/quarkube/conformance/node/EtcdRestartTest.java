package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * etcd can restart under a running cluster: the API server's watches of etcd break and start again, its clients'
 * watches end and resume, and scheduling, pods and informers carry on. (The first etcd restart once wedged the whole
 * API server: a watch error reported under jetcd's lock met the watch cache restarting under its own.)
 */
@ExtendWith(TestNamespace.class)
class EtcdRestartTest {
  private static final Duration START = Duration.ofSeconds(90);

  @Test
  void theClusterCarriesOnAfterEtcdRestarts(String ns) throws Exception {
    create(pod(ns, "before").editSpec().withNodeName(RealNode.name()).endSpec().build());
    RealNode.awaitPhase(ns, "before", "Running", START);
    SharedIndexInformer<ConfigMap> informer = RealNode.client().configMaps().inNamespace(ns).inform();
    // A plain watch open across the restart: it ends when the API server's watch of etcd breaks, and ends cleanly
    // (as upstream's cacher ends its watchers), without an ERROR event (500) that clients could only log.
    String rv = RealNode.client().configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
    Process rawWatch = Kubectl.stock().start("get", "--raw",
        "/api/v1/namespaces/" + ns + "/configmaps?watch=1&resourceVersion=" + rv);
    StringBuffer stream = new StringBuffer();
    Thread reader = new Thread(() -> {
      try {
        rawWatch.getInputStream().transferTo(new java.io.OutputStream() {
          @Override
          public void write(int b) {
            stream.append((char) b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            stream.append(new String(b, off, len, StandardCharsets.UTF_8));
          }
        });
      } catch (IOException e) {
        // destroyed
      }
    });
    reader.setDaemon(true);
    reader.start();
    RealNode.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("marker").endMetadata().build()).create();
    Await.until(Duration.ofSeconds(30), "the raw watch is open (it saw the marker)",
        () -> stream.toString().contains("\"marker\""));
    try {
      RealNode.restart("etcd");

      // Scheduler and kubelet watch pods again: a new pod is scheduled and started.
      create(pod(ns, "after").build()); // through the scheduler
      RealNode.awaitPhase(ns, "after", "Running", START);
      assertEquals("Running", RealNode.pod(ns, "before").getStatus().getPhase());
      // A client's informer from before the restart sees what is written after it.
      RealNode.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
          .withName("after").endMetadata().addToData("k", "v").build()).create();
      Await.until(START, "the informer sees the ConfigMap written after the restart",
          () -> informer.getStore().getByKey(ns + "/after") != null);
      Await.until(Duration.ofSeconds(30), "the raw watch ended", () -> !rawWatch.isAlive());
      reader.join(10_000);
      assertFalse(stream.toString().contains("\"type\":\"ERROR\""), "the watch across the restart got: " + stream);
    } finally {
      informer.close();
      rawWatch.destroy();
    }
  }

  private static PodBuilder pod(String ns, String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox").withCommand("sleep", "3600").endContainer()
        .endSpec();
  }

  private static void create(Pod pod) {
    RealNode.client().resource(pod).create();
  }
}
