package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.TestNamespace;
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
    } finally {
      informer.close();
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
