package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Server-side field validation, resource quotas and deletecollection. */
@ExtendWith(TestNamespace.class)
class WritesTest {
  private final KubernetesClient client = Cluster.client();

  private static String configMap(String name, String extra) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"" + extra
        + "},\"data\":{\"a\":\"b\"}}";
  }

  private static Api.Response post(String ns, String query, String body) {
    return Api.send("POST", "/api/v1/namespaces/" + ns + "/configmaps" + query, "application/json", body,
        "application/json");
  }

  @Conformance("api-machinery.field-validation")
  @Test
  void strictRejectsWarnWarnsIgnoreDrops(String ns) {
    String unknown = configMap("unknown", "").replace("\"data\"", "\"unknownField\":1,\"data\"");
    Api.Response strict = post(ns, "?fieldValidation=Strict", unknown);
    assertEquals(400, strict.code(), strict.toString());
    assertEquals("BadRequest", strict.json().path("reason").asText(), strict.toString());
    assertTrue(strict.json().path("message").asText().contains("unknown field \"unknownField\""), strict.toString());

    String duplicate = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dup\"},"
        + "\"data\":{\"a\":\"b\"},\"data\":{\"c\":\"d\"}}";
    Api.Response dup = post(ns, "?fieldValidation=Strict", duplicate);
    assertEquals(400, dup.code(), dup.toString());
    assertTrue(dup.json().path("message").asText().contains("duplicate field \"data\""), dup.toString());

    Api.Response meta = post(ns, "?fieldValidation=Strict", configMap("meta", ",\"unknownMeta\":\"x\""));
    assertEquals(400, meta.code(), meta.toString());
    assertTrue(meta.json().path("message").asText().contains("unknown field \"metadata.unknownMeta\""),
        meta.toString());

    Api.Response warn = post(ns, "?fieldValidation=Warn", unknown);
    assertEquals(201, warn.code(), warn.toString());
    assertTrue(warn.warnings().stream().anyMatch(w -> w.contains("unknown field \\\"unknownField\\\"")
        || w.contains("unknown field \"unknownField\"")), "Warning headers: " + warn.warnings());
    assertFalse(warn.body().contains("unknownField"), "the unknown field is dropped");

    Api.Response ignore = post(ns, "?fieldValidation=Ignore", unknown.replace("\"unknown\"", "\"ignored\""));
    assertEquals(201, ignore.code(), ignore.toString());
    assertTrue(ignore.warnings().isEmpty(), "Ignore warns about nothing: " + ignore.warnings());
    assertEquals("b", client.configMaps().inNamespace(ns).withName("ignored").get().getData().get("a"));
  }

  @Conformance("api-machinery.resource-quota")
  @Test
  void quotaCountsReleasesAndRejects(String ns) {
    Await.until(Duration.ofSeconds(30), "kube-root-ca.crt in " + ns,
        () -> client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
    client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("quota")
        .endMetadata().withNewSpec().addToHard("configmaps", new Quantity("3"))
        .addToHard("resourcequotas", new Quantity("1")).endSpec().build()).create();
    awaitUsed(ns, "configmaps", "1"); // kube-root-ca.crt
    awaitUsed(ns, "resourcequotas", "1");
    ResourceQuota q = client.resourceQuotas().inNamespace(ns).withName("quota").get();
    assertEquals("3", q.getStatus().getHard().get("configmaps").toString());

    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("one")
        .endMetadata().build()).create();
    awaitUsed(ns, "configmaps", "2");
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("two")
        .endMetadata().build()).create();
    awaitUsed(ns, "configmaps", "3");
    KubernetesClientException over = org.junit.jupiter.api.Assertions.assertThrows(KubernetesClientException.class,
        () -> client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
            .withName("three").endMetadata().build()).create());
    assertEquals(403, over.getCode());
    assertTrue(over.getMessage().contains("exceeded quota: quota"), over.getMessage());

    client.configMaps().inNamespace(ns).withName("one").delete();
    awaitUsed(ns, "configmaps", "2");
    assertNotNull(client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("three").endMetadata().build()).create());
  }

  private void awaitUsed(String ns, String resource, String value) {
    Await.until(Duration.ofSeconds(30), "quota used " + resource + "=" + value, () -> {
      ResourceQuota q = client.resourceQuotas().inNamespace(ns).withName("quota").get();
      return q.getStatus() != null && q.getStatus().getUsed() != null && q.getStatus().getUsed().get(resource) != null
          && value.equals(q.getStatus().getUsed().get(resource).toString());
    });
  }

  @Conformance("api-machinery.deletecollection")
  @Test
  void deleteCollectionRemovesExactlyTheSelected(String ns) {
    for (int i = 0; i < 5; i++) {
      Map<String, String> labels = i < 3 ? Map.of("purge", "yes") : Map.of("purge", "no");
      client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i)
          .withLabels(labels).endMetadata().build()).create();
      client.resources(io.fabric8.kubernetes.api.model.PodTemplate.class).inNamespace(ns).resource(new PodTemplateBuilder().withNewMetadata()
          .withName("pt-" + i).withLabels(labels).endMetadata().withNewTemplate().withNewSpec().addNewContainer()
          .withName("c").withImage("busybox").endContainer().endSpec().endTemplate().build()).create();
    }
    for (String resource : new String[] {"configmaps", "podtemplates"}) {
      Api.Response r = Api.send("DELETE", "/api/v1/namespaces/" + ns + "/" + resource + "?labelSelector=purge%3Dyes",
          null, null, "application/json");
      assertEquals(200, r.code(), r.toString());
      // upstream answers with the list of what it deleted
      assertEquals(resource.equals("configmaps") ? "ConfigMapList" : "PodTemplateList",
          r.json().path("kind").asText(), r.toString());
      java.util.List<String> names = new java.util.ArrayList<>();
      r.json().path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
      String prefix = resource.equals("configmaps") ? "cm-" : "pt-";
      assertEquals(java.util.List.of(prefix + 0, prefix + 1, prefix + 2), names, r.toString());
      r.json().path("items").forEach(item -> assertEquals("yes",
          item.path("metadata").path("labels").path("purge").asText(), item.toString()));
    }
    Await.until(Duration.ofSeconds(30), "the selected objects gone", () -> client.configMaps().inNamespace(ns)
        .withLabel("purge", "yes").list().getItems().isEmpty() && client.resources(io.fabric8.kubernetes.api.model.PodTemplate.class).inNamespace(ns)
        .withLabel("purge", "yes").list().getItems().isEmpty());
    for (int i = 3; i < 5; i++) {
      assertNotNull(client.configMaps().inNamespace(ns).withName("cm-" + i).get(), "cm-" + i + " kept");
      assertNotNull(client.resources(io.fabric8.kubernetes.api.model.PodTemplate.class).inNamespace(ns).withName("pt-" + i).get(), "pt-" + i + " kept");
    }
    assertNull(client.configMaps().inNamespace(ns).withName("cm-0").get());
    Await.until(Duration.ofSeconds(30), "unlabelled ones kept",
        () -> client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
  }
}
