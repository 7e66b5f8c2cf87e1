package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.apimachinery.Api;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** networking.k8s.io/v1 Ingresses and IngressClasses through upstream's "API operations" conformance tests. */
@ExtendWith(TestNamespace.class)
class IngressApiTest {
  private final KubernetesClient client = Cluster.client();

  /** A watcher queueing what it sees; anything but MODIFIED is marked, as upstream expects only MODIFIED. */
  static <T extends HasMetadata> Watcher<T> modifiedOnly(BlockingQueue<Object> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T object) {
        events.add(action == Action.MODIFIED ? object : action);
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  /** Waits for a MODIFIED event whose object carries the annotation patched=true. */
  static void awaitPatchedEvent(BlockingQueue<Object> events) throws InterruptedException {
    while (true) {
      Object event = events.poll(60, TimeUnit.SECONDS);
      assertNotNull(event, "a MODIFIED event with the patched annotation");
      assertTrue(event instanceof HasMetadata, "only MODIFIED events, got " + event);
      var annotations = ((HasMetadata) event).getMetadata().getAnnotations();
      if (annotations != null && "true".equals(annotations.get("patched"))) {
        return;
      }
    }
  }

  private static Ingress ingress(String label, String host) {
    return new IngressBuilder().withNewMetadata().withGenerateName("e2e-example-ing")
        .addToLabels("special-label", label).endMetadata().withNewSpec().withNewDefaultBackend().withNewService()
        .withName("default-backend").withNewPort().withNumber(8080).endPort().endService().endDefaultBackend()
        .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("ImplementationSpecific")
        .withNewBackend().withNewService().withName("test-backend").withNewPort().withNumber(8080).endPort()
        .endService().endBackend().endPath().endHttp().endRule().endSpec().build();
  }

  @Conformance("network.ingress-api")
  @Test
  void ingressApiOperations(String ns) throws Exception {
    Api.assertDiscovered("networking.k8s.io", "v1", "ingresses", "ingresses/status");
    var ingresses = client.network().v1().ingresses().inNamespace(ns);
    String label = ns;
    ingresses.resource(ingress(label, "host1.bar.com")).create();
    ingresses.resource(ingress(label, "host2.bar.com")).create();
    Ingress created = ingresses.resource(ingress(label, "host3.bar.com")).create();
    String name = created.getMetadata().getName();
    assertEquals(created.getMetadata().getUid(), ingresses.withName(name).get().getMetadata().getUid());
    var list = ingresses.withLabel("special-label", label).list();
    assertEquals(3, list.getItems().size());
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    Watch watch = ingresses.withLabel("special-label", label).watch(new ListOptionsBuilder()
        .withResourceVersion(list.getMetadata().getResourceVersion()).build(), modifiedOnly(events));
    try {
      assertEquals(3, client.network().v1().ingresses().inAnyNamespace().withLabel("special-label", label).list()
          .getItems().size());
      client.network().v1().ingresses().inAnyNamespace().withLabel("special-label", label)
          .watch(new ListOptionsBuilder().withResourceVersion(list.getMetadata().getResourceVersion()).build(),
              modifiedOnly(new LinkedBlockingQueue<>())).close();

      Ingress patched = ingresses.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"annotations\":{\"patched\":\"true\"}}}");
      assertEquals("true", patched.getMetadata().getAnnotations().get("patched"));
      Ingress updated = Conflicts.retry(() -> {
        Ingress current = ingresses.withName(name).get();
        current.getMetadata().getAnnotations().put("updated", "true");
        return ingresses.resource(current).update();
      });
      assertEquals("true", updated.getMetadata().getAnnotations().get("updated"));
      awaitPatchedEvent(events);
    } finally {
      watch.close();
    }

    Ingress patchedStatus = ingresses.withName(name).subresource("status").patch(
        PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"patchedstatus\":\"true\"}},"
            + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"169.1.1.1\"}]}}}");
    assertEquals(List.of(new IngressLoadBalancerIngressBuilder().withIp("169.1.1.1").build()),
        patchedStatus.getStatus().getLoadBalancer().getIngress());
    assertEquals("true", patchedStatus.getMetadata().getAnnotations().get("patchedstatus"));
    Ingress updatedStatus = Conflicts.retry(() -> {
      Ingress current = ingresses.withName(name).get();
      current.getStatus().getLoadBalancer().setIngress(List.of(new IngressLoadBalancerIngressBuilder()
          .withIp("169.1.1.2").build()));
      return ingresses.resource(current).updateStatus();
    });
    assertEquals(List.of(new IngressLoadBalancerIngressBuilder().withIp("169.1.1.2").build()),
        updatedStatus.getStatus().getLoadBalancer().getIngress());
    JsonNode status = Api.get("/apis/networking.k8s.io/v1/namespaces/" + ns + "/ingresses/" + name + "/status",
        "application/json").json();
    assertEquals(created.getMetadata().getUid(), status.path("metadata").path("uid").asText());

    // no ingress controller puts finalizers here: a deleted ingress is gone at once
    ingresses.withName(name).delete();
    assertNull(ingresses.withName(name).get());
    assertEquals(2, ingresses.withLabel("special-label", label).list().getItems().size());
    ingresses.withLabel("special-label", label).delete();
    assertEquals(List.of(), ingresses.withLabel("special-label", label).list().getItems());
  }

  @Conformance("network.ingressclass-api")
  @Test
  void ingressClassApiOperations(String ns) throws Exception {
    Api.assertDiscovered("networking.k8s.io", "v1", "ingressclasses");
    var classes = client.network().v1().ingressClasses();
    String label = ns;
    IngressClass template = new IngressClassBuilder().withNewMetadata().withGenerateName("e2e-example-ingressclass")
        .addToLabels("special-label", label).endMetadata().withNewSpec().withController("example.com/controller")
        .withNewParameters().withKind("Test").withName("test").withApiGroup("example.com").endParameters()
        .endSpec().build();
    try {
      classes.resource(template).create();
      classes.resource(template).create();
      IngressClass created = classes.resource(template).create();
      String name = created.getMetadata().getName();
      assertEquals(created.getMetadata().getUid(), classes.withName(name).get().getMetadata().getUid());
      var list = classes.withLabel("special-label", label).list();
      assertEquals(3, list.getItems().size());
      BlockingQueue<Object> events = new LinkedBlockingQueue<>();
      Watch watch = classes.withLabel("special-label", label).watch(new ListOptionsBuilder()
          .withResourceVersion(list.getMetadata().getResourceVersion()).build(), modifiedOnly(events));
      try {
        IngressClass patched = classes.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"patched\":\"true\"}}}");
        assertEquals("true", patched.getMetadata().getAnnotations().get("patched"));
        IngressClass updated = Conflicts.retry(() -> {
          IngressClass current = classes.withName(name).get();
          current.getMetadata().getAnnotations().put("updated", "true");
          return classes.resource(current).update();
        });
        assertEquals("true", updated.getMetadata().getAnnotations().get("updated"));
        awaitPatchedEvent(events);
      } finally {
        watch.close();
      }
      classes.withName(name).delete();
      assertNull(classes.withName(name).get());
      assertEquals(2, classes.withLabel("special-label", label).list().getItems().size());
      classes.withLabel("special-label", label).delete();
      assertEquals(List.of(), classes.withLabel("special-label", label).list().getItems());
    } finally {
      classes.withLabel("special-label", label).delete();
    }
  }
}
