package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's ResourceQuota conformance tests (test/e2e/apimachinery/resource_quota.go): object counts of services,
 * secrets, pods (with compute, ephemeral storage and extended resources), replication controllers and replica sets
 * charged and released; BestEffort/NotBestEffort and Terminating/NotTerminating scopes; update, delete, patch and
 * delete-collection of quotas; and the status subresource, which the controller resets to the spec. The pods select a
 * node label no node has, so they stay Pending: quota counts a pod from its creation whatever its phase, and nothing
 * is started for them.
 */
@ExtendWith(TestNamespace.class)
class ResourceQuotaTest {
  private static final String DONGLE = "example.com/dongle";
  private final KubernetesClient client = Cluster.client();

  /** Upstream's newTestResourceQuota. */
  private static ResourceQuotaBuilder testQuota(String name) {
    Map<String, Quantity> hard = new LinkedHashMap<>();
    hard.put("pods", new Quantity("5"));
    hard.put("services", new Quantity("10"));
    hard.put("services.nodeports", new Quantity("1"));
    hard.put("services.loadbalancers", new Quantity("1"));
    hard.put("replicationcontrollers", new Quantity("10"));
    hard.put("resourcequotas", new Quantity("1"));
    hard.put("cpu", new Quantity("1"));
    hard.put("memory", new Quantity("500Mi"));
    hard.put("configmaps", new Quantity("10"));
    hard.put("secrets", new Quantity("10"));
    hard.put("persistentvolumeclaims", new Quantity("10"));
    hard.put("requests.storage", new Quantity("10Gi"));
    hard.put("ephemeral-storage", new Quantity("50Gi"));
    hard.put("count/replicasets.apps", new Quantity("5"));
    hard.put("requests." + DONGLE, new Quantity("3"));
    return new ResourceQuotaBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .withHard(hard).endSpec();
  }

  private ResourceQuota create(String ns, ResourceQuotaBuilder b) {
    return client.resourceQuotas().inNamespace(ns).resource(b.build()).create();
  }

  /** Upstream's waitForResourceQuota: every given resource's used amount equals the expected one. */
  private void awaitUsed(String ns, String quota, Map<String, String> expected) {
    Await.until(Duration.ofSeconds(60), "quota " + quota + " used " + expected, () -> {
      ResourceQuota q = client.resourceQuotas().inNamespace(ns).withName(quota).get();
      if (q == null || q.getStatus() == null || q.getStatus().getUsed() == null) {
        return false;
      }
      return expected.entrySet().stream().allMatch(e -> {
        Quantity used = q.getStatus().getUsed().get(e.getKey());
        return used != null && amount(used).compareTo(amount(new Quantity(e.getValue()))) == 0;
      });
    });
  }

  private static BigDecimal amount(Quantity q) {
    return Quantity.getAmountInBytes(q);
  }

  private static Map<String, String> used(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Upstream's newTestPodForQuota (pause-like), kept Pending by a node label no node has. */
  private static PodBuilder pod(String name, Map<String, String> requests, Map<String, String> limits) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .addToNodeSelector("e2e.quarkube.io/no-such-node", "true").addNewContainer().withName("pause")
        .withImage("busybox").withCommand("sleep", "3600").withNewResources().endResources().endContainer()
        .endSpec();
    requests.forEach((k, v) -> b.editSpec().editFirstContainer().editResources().addToRequests(k, new Quantity(v))
        .endResources().endContainer().endSpec());
    limits.forEach((k, v) -> b.editSpec().editFirstContainer().editResources().addToLimits(k, new Quantity(v))
        .endResources().endContainer().endSpec());
    return b;
  }

  private Pod createPod(String ns, PodBuilder b) {
    return client.pods().inNamespace(ns).resource(b.build()).create();
  }

  private void deletePodNow(String ns, String name) {
    client.pods().inNamespace(ns).withName(name).withGracePeriod(0).delete();
  }

  @Conformance("api-machinery.resource-quota-object-counts")
  @Test
  void capturesTheLifeOfServices(String ns) {
    create(ns, testQuota("test-quota"));
    awaitUsed(ns, "test-quota", used("resourcequotas", "1"));
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("test-service")
        .endMetadata().withNewSpec().withType("ClusterIP").addNewPort().withPort(80).endPort().endSpec().build())
        .create();
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("test-service-np")
        .endMetadata().withNewSpec().withType("NodePort").addNewPort().withPort(80).endPort().endSpec().build())
        .create();
    // A LoadBalancer service also takes a node port: over the remaining quota of services.nodeports.
    var refused = assertThrows(KubernetesClientException.class, () -> client.services().inNamespace(ns)
        .resource(new ServiceBuilder().withNewMetadata().withName("test-service-lb").endMetadata().withNewSpec()
            .withType("LoadBalancer").addNewPort().withPort(80).endPort().endSpec().build()).create());
    assertEquals(403, refused.getCode());
    assertTrue(refused.getMessage().contains("exceeded quota: test-quota"), refused.getMessage());
    awaitUsed(ns, "test-quota", used("resourcequotas", "1", "services", "2", "services.nodeports", "1"));
    client.services().inNamespace(ns).withName("test-service").delete();
    client.services().inNamespace(ns).withName("test-service-np").delete();
    awaitUsed(ns, "test-quota", used("services", "0", "services.nodeports", "0"));
  }

  @Conformance("api-machinery.resource-quota-object-counts")
  @Test
  void capturesTheLifeOfASecret(String ns) {
    int existing = client.secrets().inNamespace(ns).list().getItems().size();
    create(ns, testQuota("test-quota").editSpec().addToHard("secrets", new Quantity(String.valueOf(existing + 1)))
        .endSpec());
    awaitUsed(ns, "test-quota", used("resourcequotas", "1", "secrets", String.valueOf(existing)));
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("test-secret")
        .endMetadata().addToData("data-1", "dmFsdWUtMQ==").build()).create();
    awaitUsed(ns, "test-quota", used("secrets", String.valueOf(existing + 1)));
    client.secrets().inNamespace(ns).withName("test-secret").delete();
    awaitUsed(ns, "test-quota", used("secrets", String.valueOf(existing)));
  }

  @Conformance("api-machinery.resource-quota-object-counts")
  @Test
  void capturesTheLifeOfAPod(String ns) {
    create(ns, testQuota("test-quota"));
    awaitUsed(ns, "test-quota", used("resourcequotas", "1"));
    Map<String, String> requests = Map.of("cpu", "500m", "memory", "252Mi", "ephemeral-storage", "30Gi", DONGLE, "2");
    Pod fits = createPod(ns, pod("test-pod", requests, Map.of(DONGLE, "2")));
    Map<String, String> podUsage = used("resourcequotas", "1", "pods", "1", "cpu", "500m", "memory", "252Mi",
        "ephemeral-storage", "30Gi", "requests." + DONGLE, "2");
    awaitUsed(ns, "test-quota", podUsage);

    var overCpu = assertThrows(KubernetesClientException.class,
        () -> createPod(ns, pod("fail-pod", Map.of("cpu", "600m", "memory", "100Mi"), Map.of())));
    assertEquals(403, overCpu.getCode());
    var overDongles = assertThrows(KubernetesClientException.class, () -> createPod(ns,
        pod("fail-pod-for-extended-resource", Map.of("cpu", "500m", "memory", "100Mi", "ephemeral-storage", "30Gi",
            DONGLE, "2"), Map.of(DONGLE, "2"))));
    assertEquals(403, overDongles.getCode());

    // A pod cannot change its resource requirements in place; the quota's usage stays as it was.
    Pod changed = new PodBuilder(fits).editSpec().editFirstContainer().editResources()
        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("100Mi"),
            "ephemeral-storage", new Quantity("10Gi")))
        .endResources().endContainer().endSpec().build();
    assertThrows(KubernetesClientException.class,
        () -> client.pods().inNamespace(ns).resource(changed).update());
    awaitUsed(ns, "test-quota", podUsage);

    deletePodNow(ns, "test-pod");
    awaitUsed(ns, "test-quota", used("resourcequotas", "1", "pods", "0", "cpu", "0", "memory", "0",
        "ephemeral-storage", "0", "requests." + DONGLE, "0"));
  }

  @Conformance("api-machinery.resource-quota-object-counts")
  @Test
  void capturesTheLifeOfAReplicationControllerAndAReplicaSet(String ns) {
    create(ns, testQuota("test-quota"));
    awaitUsed(ns, "test-quota", used("resourcequotas", "1", "replicationcontrollers", "0",
        "count/replicasets.apps", "0"));
    client.replicationControllers().inNamespace(ns).resource(new ReplicationControllerBuilder().withNewMetadata()
        .withName("test-rc").endMetadata().withNewSpec().withReplicas(0).addToSelector("name", "test-rc")
        .withNewTemplate().withNewMetadata().addToLabels("name", "test-rc").endMetadata().withNewSpec()
        .addNewContainer().withName("nginx").withImage("busybox").endContainer().endSpec().endTemplate().endSpec()
        .build()).create();
    client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata()
        .withName("test-rs").endMetadata().withNewSpec().withReplicas(0).withNewSelector()
        .addToMatchLabels("name", "test-rs").endSelector().withNewTemplate().withNewMetadata()
        .addToLabels("name", "test-rs").endMetadata().withNewSpec().addNewContainer().withName("nginx")
        .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
    awaitUsed(ns, "test-quota", used("replicationcontrollers", "1", "count/replicasets.apps", "1"));
    client.replicationControllers().inNamespace(ns).withName("test-rc")
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
    client.apps().replicaSets().inNamespace(ns).withName("test-rs").delete();
    awaitUsed(ns, "test-quota", used("replicationcontrollers", "0", "count/replicasets.apps", "0"));
  }

  /** Upstream's newTestResourceQuotaWithScope. */
  private static ResourceQuotaBuilder scoped(String name, String scope) {
    ResourceQuotaBuilder b = new ResourceQuotaBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().addToHard("pods", new Quantity("5")).withScopes(scope).endSpec();
    if (scope.endsWith("Terminating")) {
      b.editSpec().addToHard("requests.cpu", new Quantity("1")).addToHard("requests.memory", new Quantity("500Mi"))
          .addToHard("limits.cpu", new Quantity("2")).addToHard("limits.memory", new Quantity("1Gi")).endSpec();
    }
    return b;
  }

  @Conformance("api-machinery.resource-quota-scopes")
  @Test
  void bestEffortScopes(String ns) {
    create(ns, scoped("quota-besteffort", "BestEffort"));
    create(ns, scoped("quota-not-besteffort", "NotBestEffort"));
    awaitUsed(ns, "quota-besteffort", used("pods", "0"));
    awaitUsed(ns, "quota-not-besteffort", used("pods", "0"));

    createPod(ns, pod("pfpod", Map.of(), Map.of()));
    awaitUsed(ns, "quota-besteffort", used("pods", "1"));
    awaitUsed(ns, "quota-not-besteffort", used("pods", "0"));
    deletePodNow(ns, "pfpod");
    awaitUsed(ns, "quota-besteffort", used("pods", "0"));

    createPod(ns, pod("burstable-pod", Map.of("cpu", "500m", "memory", "200Mi"),
        Map.of("cpu", "1", "memory", "400Mi")));
    awaitUsed(ns, "quota-not-besteffort", used("pods", "1"));
    awaitUsed(ns, "quota-besteffort", used("pods", "0"));
    deletePodNow(ns, "burstable-pod");
    awaitUsed(ns, "quota-not-besteffort", used("pods", "0"));
  }

  @Conformance("api-machinery.resource-quota-scopes")
  @Test
  void terminatingScopes(String ns) {
    create(ns, scoped("quota-terminating", "Terminating"));
    create(ns, scoped("quota-not-terminating", "NotTerminating"));
    Map<String, String> zero = used("pods", "0", "requests.cpu", "0", "requests.memory", "0", "limits.cpu", "0",
        "limits.memory", "0");
    awaitUsed(ns, "quota-terminating", zero);
    awaitUsed(ns, "quota-not-terminating", zero);
    Map<String, String> requests = Map.of("cpu", "500m", "memory", "200Mi");
    Map<String, String> limits = Map.of("cpu", "1", "memory", "400Mi");
    Map<String, String> one = used("pods", "1", "requests.cpu", "500m", "requests.memory", "200Mi",
        "limits.cpu", "1", "limits.memory", "400Mi");

    createPod(ns, pod("test-pod", requests, limits));
    awaitUsed(ns, "quota-not-terminating", one);
    awaitUsed(ns, "quota-terminating", zero);
    deletePodNow(ns, "test-pod");
    awaitUsed(ns, "quota-not-terminating", zero);

    createPod(ns, pod("terminating-pod", requests, limits).editSpec().withActiveDeadlineSeconds(3600L).endSpec());
    awaitUsed(ns, "quota-terminating", one);
    awaitUsed(ns, "quota-not-terminating", zero);
    deletePodNow(ns, "terminating-pod");
    awaitUsed(ns, "quota-terminating", zero);
  }

  @Conformance("api-machinery.resource-quota-lifecycle")
  @Test
  void updateAndDelete(String ns) {
    ResourceQuota rq = new ResourceQuotaBuilder().withNewMetadata().withName("test-quota").endMetadata()
        .withNewSpec().addToHard("cpu", new Quantity("1")).addToHard("memory", new Quantity("500Mi")).endSpec().build();
    client.resourceQuotas().inNamespace(ns).resource(rq).create();
    ResourceQuota got = client.resourceQuotas().inNamespace(ns).withName("test-quota").get();
    assertEquals(new Quantity("1"), got.getSpec().getHard().get("cpu"));
    assertEquals(new Quantity("500Mi"), got.getSpec().getHard().get("memory"));
    // An update without resourceVersion, as upstream's test sends it: unconditional, so the controller's status
    // writes in between cannot make it conflict (Fabric8's update() would fill in a resourceVersion it read first).
    Api.Response updated = Api.send("PUT", "/api/v1/namespaces/" + ns + "/resourcequotas/test-quota",
        "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"ResourceQuota\",\"metadata\":{\"name\":"
            + "\"test-quota\"},\"spec\":{\"hard\":{\"cpu\":\"2\",\"memory\":\"1Gi\"}}}", "application/json");
    assertEquals(200, updated.code(), updated.toString());
    assertEquals("2", updated.json().path("spec").path("hard").path("cpu").asText());
    assertEquals("1Gi", updated.json().path("spec").path("hard").path("memory").asText());
    got = client.resourceQuotas().inNamespace(ns).withName("test-quota").get();
    assertEquals(new Quantity("2"), got.getSpec().getHard().get("cpu"));
    assertEquals(new Quantity("1Gi"), got.getSpec().getHard().get("memory"));
    client.resourceQuotas().inNamespace(ns).withName("test-quota").delete();
    Await.until(Duration.ofSeconds(30), "quota gone",
        () -> client.resourceQuotas().inNamespace(ns).withName("test-quota").get() == null);
  }

  @Conformance("api-machinery.resource-quota-lifecycle")
  @Test
  void manageTheLifecycle(String ns) {
    String name = "e2e-quota-" + ns.substring(Math.max(0, ns.length() - 5));
    client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName(name)
        .addToLabels("e2e-rq-label", name).endMetadata().withNewSpec().addToHard("cpu", new Quantity("1"))
        .addToHard("memory", new Quantity("500Mi")).endSpec().build()).create();
    ResourceQuota got = client.resourceQuotas().inNamespace(ns).withName(name).get();
    assertEquals(new Quantity("1"), got.getSpec().getHard().get("cpu"));
    List<ResourceQuota> listed = client.resourceQuotas().inAnyNamespace().withLabel("e2e-rq-label", name).list()
        .getItems();
    assertEquals(1, listed.size());
    ResourceQuota patched = client.resourceQuotas().inNamespace(ns).withName(name).patch(
        PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"metadata\":{\"labels\":{\"" + name + "\":\"patched\"}},\"spec\":{\"hard\":{ \"memory\":\"750Mi\"}}}");
    assertEquals("patched", patched.getMetadata().getLabels().get(name));
    assertEquals(new Quantity("750Mi"), patched.getSpec().getHard().get("memory"));
    client.resourceQuotas().inNamespace(ns).withLabel("e2e-rq-label", name).delete();
    Await.until(Duration.ofSeconds(30), "quota gone",
        () -> client.resourceQuotas().inNamespace(ns).withName(name).get() == null);
  }

  @Conformance("api-machinery.resource-quota-status")
  @Test
  void statusChangesAndTheControllerResetsThem(String ns) {
    String name = "e2e-rq-status";
    client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName(name)
        .addToLabels("e2e-rq-label", name).endMetadata().withNewSpec().addToHard("cpu", new Quantity("500m"))
        .addToHard("memory", new Quantity("500Mi")).endSpec().build()).create();

    // /status written with status.hard = spec.hard (a retried update, as upstream's RetryOnConflict).
    Await.until(Duration.ofSeconds(30), "status updated", () -> {
      ResourceQuota current = client.resourceQuotas().inNamespace(ns).withName(name).get();
      current.setStatus(new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
          .withHard(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("500Mi"))).build());
      try {
        client.resourceQuotas().inNamespace(ns).resource(current).updateStatus();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          return false;
        }
        throw e;
      }
    });
    awaitStatusHard(ns, name, "500m", "500Mi");

    ResourceQuota spec = client.resourceQuotas().inNamespace(ns).withName(name).patch(
        PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"hard\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}");
    assertEquals(new Quantity("1"), spec.getSpec().getHard().get("cpu"));
    client.resourceQuotas().inNamespace(ns).withName(name).subresource("status").patch(
        PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"status\":{\"hard\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}");
    awaitStatusHard(ns, name, "1", "1Gi");
    String status = io.quarkube.conformance.Kubectl.stock().run("get", "--raw",
        "/api/v1/namespaces/" + ns + "/resourcequotas/" + name + "/status").ok().out();
    assertTrue(status.contains("\"hard\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}"), status);

    ResourceQuota repatched = client.resourceQuotas().inNamespace(ns).withName(name).subresource("status").patch(
        PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"status\":{\"hard\":{\"cpu\":\"2\",\"memory\":\"2Gi\"}}}");
    assertEquals(new Quantity("2"), repatched.getStatus().getHard().get("cpu"));
    assertEquals(new Quantity("2Gi"), repatched.getStatus().getHard().get("memory"));
    assertEquals(new Quantity("1"), repatched.getSpec().getHard().get("cpu"), "patching /status never changes spec");
    // The controller puts status.hard back to the spec.
    awaitStatusHard(ns, name, "1", "1Gi");
    ResourceQuota last = client.resourceQuotas().inNamespace(ns).withName(name).get();
    assertEquals(new Quantity("1Gi"), last.getSpec().getHard().get("memory"));
    assertNull(last.getMetadata().getDeletionTimestamp());
  }

  private void awaitStatusHard(String ns, String name, String cpu, String memory) {
    Await.until(Duration.ofSeconds(60), "status.hard cpu=" + cpu + " memory=" + memory, () -> {
      ResourceQuota q = client.resourceQuotas().inNamespace(ns).withName(name).get();
      if (q.getStatus() == null || q.getStatus().getHard() == null) {
        return false;
      }
      Quantity c = q.getStatus().getHard().get("cpu");
      Quantity m = q.getStatus().getHard().get("memory");
      return c != null && m != null && amount(c).compareTo(amount(new Quantity(cpu))) == 0
          && amount(m).compareTo(amount(new Quantity(memory))) == 0;
    });
  }
}
