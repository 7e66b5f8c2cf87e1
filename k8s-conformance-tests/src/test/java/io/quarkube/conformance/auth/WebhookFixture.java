package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkube.conformance.apimachinery.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What upstream's AdmissionWebhook tests set up, on the JVM's {@link WebhookServer} running {@link SampleWebhook}:
 * a namespace holding the selector-less Service {@code e2e-test-webhook} (port 8443) and an EndpointSlice pointing at
 * the server, so configurations reach it through {@code clientConfig.service} as upstream's do (the certificate names
 * {@code e2e-test-webhook.<namespace>.svc}); builders for webhooks scoped to a test's namespace label; and upstream's
 * readiness markers: each configuration gets a webhook refusing dry-run ConfigMaps labelled with its own token, so a
 * test waits until the API server uses exactly that configuration.
 */
final class WebhookFixture implements AutoCloseable {
  static final String SERVICE = "e2e-test-webhook";
  static final int SERVICE_PORT = 8443;

  /**
   * The admin's client without Fabric8's retries of 5xx answers: a webhook's failure (500, 504) must reach the test
   * once, as upstream's client-go reports it, not after ten more calls of a webhook that hangs.
   */
  static final KubernetesClient CLIENT = noRetries();

  final String namespace = "e2e-webhook-" + UUID.randomUUID().toString().substring(0, 6);
  private final WebhookServer server;

  WebhookFixture(Path dir) throws Exception {
    Api.Response ns = send("POST", "/api/v1/namespaces", "application/json",
        "{\"metadata\":{\"name\":\"" + namespace + "\"}}");
    assertEquals(201, ns.code(), ns.toString());
    server = WebhookServer.start(dir, List.of(SERVICE + "." + namespace + ".svc"), SampleWebhook::answer);
    created(send("POST", "/api/v1/namespaces/" + namespace + "/services", "application/json", """
        {"metadata":{"name":"%s"},"spec":{"ports":[{"name":"https","port":%d,"targetPort":%d}]}}"""
        .formatted(SERVICE, SERVICE_PORT, server.port())));
    created(send("POST", "/apis/discovery.k8s.io/v1/namespaces/" + namespace + "/endpointslices",
        "application/json", """
        {"metadata":{"name":"%s-jvm","labels":{"kubernetes.io/service-name":"%s"}},"addressType":"IPv4",
         "endpoints":[{"addresses":["127.0.0.1"],"conditions":{"ready":true}}],
         "ports":[{"name":"https","port":%d,"protocol":"TCP"}]}""".formatted(SERVICE, SERVICE, server.port())));
  }

  /** The webhook server's CA (PEM, base64), for a clientConfig.caBundle. */
  String caBundle() {
    return server.caBundle();
  }

  private static KubernetesClient noRetries() {
    try {
      Config config = Config.fromKubeconfig(Files.readString(Cluster.kubeconfig()));
      config.setRequestRetryBackoffLimit(0);
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A request through {@link #CLIENT}. */
  static Api.Response send(String method, String path, String contentType, String body) {
    return Api.send(CLIENT, method, path, contentType, body, null);
  }

  static Api.Response get(String path) {
    return Api.send(CLIENT, "GET", path, null, null, "application/json");
  }

  static Api.Response created(Api.Response r) {
    assertEquals(201, r.code(), r.toString());
    return r;
  }

  /** A unique label key marking the namespaces one test's webhooks select. */
  static String uniqueLabel() {
    return "e2e-webhook-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Labels a namespace (merge patch). */
  static void label(String ns, Map<String, String> labels) {
    ObjectNode patch = WebhookServer.JSON.createObjectNode();
    labels.forEach(patch.putObject("metadata").putObject("labels")::put);
    Api.Response r = send("PATCH", "/api/v1/namespaces/" + ns, "application/merge-patch+json", patch.toString());
    assertEquals(200, r.code(), r.toString());
  }

  /**
   * A webhook reached through the Service at {@code path}, with the server's CA, on {@code operations} of
   * {@code group/versions/resources}, selecting namespaces labelled {@code unique=true} (as upstream's fixtures).
   */
  ObjectNode hook(String name, String path, String unique, List<String> operations, String group,
      List<String> versions, List<String> resources) {
    ObjectNode h = WebhookServer.JSON.createObjectNode().put("name", name);
    ObjectNode rule = h.putArray("rules").addObject();
    operations.forEach(rule.putArray("operations")::add);
    rule.putArray("apiGroups").add(group);
    versions.forEach(rule.putArray("apiVersions")::add);
    resources.forEach(rule.putArray("resources")::add);
    ObjectNode cc = h.putObject("clientConfig");
    cc.putObject("service").put("namespace", namespace).put("name", SERVICE).put("path", path)
        .put("port", SERVICE_PORT);
    cc.put("caBundle", server.caBundle());
    h.put("sideEffects", "None");
    h.putArray("admissionReviewVersions").add("v1").add("v1beta1");
    h.putObject("namespaceSelector").putObject("matchLabels").put(unique, "true");
    return h;
  }

  /** {@link #hook} on core/v1 {@code configmaps}. */
  ObjectNode configMapHook(String name, String path, String unique, List<String> operations) {
    return hook(name, path, unique, operations, "", List.of("v1"), List.of("configmaps"));
  }

  /**
   * Creates a Mutating- or ValidatingWebhookConfiguration ({@code kind} "mutating" or "validating") with the
   * webhooks and a readiness marker, and waits until the API server calls its webhooks. Returns the created object.
   */
  Api.Response register(String kind, String name, Map<String, String> labels, ObjectNode... hooks) {
    String token = UUID.randomUUID().toString().substring(0, 8);
    ObjectNode config = WebhookServer.JSON.createObjectNode();
    ObjectNode meta = config.putObject("metadata").put("name", name);
    if (!labels.isEmpty()) {
      labels.forEach(meta.putObject("labels")::put);
    }
    ArrayNode list = config.putArray("webhooks");
    for (ObjectNode h : hooks) {
      list.add(h);
    }
    ObjectNode marker = configMapHook(kind + "-is-webhook-configuration-ready.k8s.io", "/always-deny", "unused",
        List.of("CREATE"));
    marker.put("failurePolicy", "Ignore");
    marker.putObject("namespaceSelector").putObject("matchLabels").put("kubernetes.io/metadata.name", namespace);
    marker.putObject("objectSelector").putObject("matchLabels").put("e2e-marker", token);
    list.add(marker);
    Api.Response r = created(send("POST", path(kind), "application/json", config.toString()));
    awaitMarker(token);
    return r;
  }

  /** Waits until a dry-run ConfigMap labelled with the token is refused: the configuration is in use. */
  void awaitMarker(String token) {
    String marker = "{\"metadata\":{\"generateName\":\"marker-\",\"labels\":{\"e2e-marker\":\"" + token + "\"}}}";
    Await.until(Duration.ofSeconds(60), "the webhook configuration is in use", () -> send("POST",
        "/api/v1/namespaces/" + namespace + "/configmaps?dryRun=All", "application/json", marker)
        .body().contains("denied"));
  }

  static String path(String kind) {
    return "/apis/admissionregistration.k8s.io/v1/" + kind + "webhookconfigurations";
  }

  static void delete(String kind, String name) {
    send("DELETE", path(kind) + "/" + name, null, null);
  }

  @Override
  public void close() {
    server.close();
    Cluster.client().namespaces().withName(namespace).delete();
  }
}
