package io.quarkube.conformance.controllers;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The resourcequota controller fills a new quota's status from what exists and lowers used after deletes. */
@Conformance({"api-machinery.resource-quota"})
@ExtendWith(TestNamespace.class)
class ResourceQuotaStatusTest {
  private final KubernetesClient client = Cluster.client();

  private String used(String ns, String resource) {
    ResourceQuota q = client.resourceQuotas().inNamespace(ns).withName("q").get();
    return q.getStatus() == null || q.getStatus().getUsed() == null || q.getStatus().getUsed().get(resource) == null
        ? null : q.getStatus().getUsed().get(resource).toString();
  }

  @Test
  void usedFollowsTheNamespaceContent(String ns) {
    for (String n : new String[] {"a", "b", "c"}) {
      client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(n)
          .endMetadata().build()).create();
    }
    // The namespace already holds kube-root-ca.crt (the root CA publisher) besides a, b and c.
    Await.until(Duration.ofSeconds(30), "kube-root-ca.crt published",
        () -> client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
    client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("q")
        .endMetadata().withNewSpec().addToHard("configmaps", new Quantity("10"))
        .addToHard("count/secrets", new Quantity("5")).endSpec().build()).create();
    Await.until(Duration.ofSeconds(30), "status of the new quota counts what exists",
        () -> "4".equals(used(ns, "configmaps")) && "0".equals(used(ns, "count/secrets")));
    client.configMaps().inNamespace(ns).withName("a").delete();
    client.configMaps().inNamespace(ns).withName("b").delete();
    Await.until(Duration.ofSeconds(30), "used lowered after deletes", () -> "2".equals(used(ns, "configmaps")));
    String out = Kubectl.stock().run("describe", "quota", "q", "-n", ns).ok().out();
    if (!out.contains("configmaps") || !out.contains("10")) {
      throw new AssertionError(out);
    }
  }
}
