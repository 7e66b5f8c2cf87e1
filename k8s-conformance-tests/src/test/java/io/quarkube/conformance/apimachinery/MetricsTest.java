package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every component's {@code /metrics} has the upstream metrics that kube-prometheus' dashboards and alerts read, with
 * upstream's names, labels and histogram buckets: the API server's (through {@code kubectl get --raw /metrics}) after
 * kubectl traffic of every verb, the scheduler's and the controller manager's on their health ports, the kubelet's
 * on its own.
 */
@ExtendWith(TestNamespace.class)
class MetricsTest {
  // HTTP/1.1: the JDK client's h2c upgrade to a component's plain-HTTP port was once seen to hang past its timeout
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  /** One sample of the exposition: its name, labels and value. */
  record Sample(String name, Map<String, String> labels, double value) {
    boolean has(Map<String, String> wanted) {
      return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
  }

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.find()) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return samples;
  }

  private static List<Sample> find(List<Sample> samples, String name, String... labels) {
    Map<String, String> wanted = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    return samples.stream().filter(s -> s.name().equals(name) && s.has(wanted)).toList();
  }

  private static Sample one(List<Sample> samples, String name, String... labels) {
    List<Sample> found = find(samples, name, labels);
    assertTrue(!found.isEmpty(), "no " + name + " " + List.of(labels));
    return found.get(0);
  }

  /** The {@code le} values of one histogram series, in order, without +Inf. */
  private static List<Double> buckets(List<Sample> samples, String name, String... labels) {
    List<Sample> series = find(samples, name + "_bucket", labels);
    Map<String, String> first = new LinkedHashMap<>(series.get(0).labels());
    first.remove("le");
    return series.stream().filter(s -> {
      Map<String, String> rest = new LinkedHashMap<>(s.labels());
      rest.remove("le");
      return rest.equals(first);
    }).map(s -> s.labels().get("le")).filter(le -> !le.equals("+Inf")).map(Double::parseDouble).sorted().toList();
  }

  private static void assertBuckets(List<Double> expected, List<Double> actual) {
    assertEquals(expected.size(), actual.size(), "buckets " + actual);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), expected.get(i) * 1e-9, "buckets " + actual);
    }
  }

  @Conformance("api-machinery.prometheus-metrics")
  @Test
  void apiServerMetricsAsUpstream(String ns) throws Exception {
    kubectl.run("-n", ns, "create", "configmap", "m1", "--from-literal=a=b").ok();
    kubectl.run("-n", ns, "get", "configmap", "m1").ok();
    kubectl.run("-n", ns, "get", "configmaps").ok();
    kubectl.run("-n", ns, "label", "configmap", "m1", "x=y").ok();
    kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m2}\ndata: {a: b}\n", "-n", ns, "apply",
        "--server-side", "-f", "-").ok();
    kubectl.run("-n", ns, "create", "configmap", "m3", "--dry-run=server").ok();
    kubectl.run("-n", ns, "get", "configmaps", "--watch", "--request-timeout=1s");
    kubectl.run("-n", ns, "delete", "configmap", "m1").ok();

    Await.until(Duration.ofSeconds(60), "the API server's metrics count the requests", () -> {
      List<Sample> s = parse(kubectl.run("get", "--raw", "/metrics").ok().out());
      return !find(s, "apiserver_request_total", "verb", "APPLY", "resource", "configmaps").isEmpty()
          && !find(s, "apiserver_request_total", "verb", "DELETE", "resource", "configmaps").isEmpty()
          && !find(s, "apiserver_request_total", "verb", "WATCH", "resource", "configmaps").isEmpty();
    });
    List<Sample> s = parse(kubectl.run("get", "--raw", "/metrics").ok().out());
    String[] created = {"verb", "POST", "dry_run", "", "group", "", "version", "v1", "resource", "configmaps",
        "subresource", "", "scope", "resource", "component", "apiserver"};
    assertTrue(one(s, "apiserver_request_total", concat(created, "code", "201")).value() >= 1);
    one(s, "apiserver_request_total", "verb", "POST", "dry_run", "All", "resource", "configmaps");
    one(s, "apiserver_request_total", "verb", "GET", "resource", "configmaps", "scope", "resource", "code", "200");
    one(s, "apiserver_request_total", "verb", "LIST", "resource", "configmaps", "scope", "namespace", "code", "200");
    one(s, "apiserver_request_total", "verb", "PATCH", "resource", "configmaps", "code", "200");
    one(s, "apiserver_request_total", "verb", "APPLY", "resource", "configmaps", "scope", "resource");
    one(s, "apiserver_request_total", "verb", "LIST", "group", "apps", "resource", "deployments", "scope", "cluster");
    assertTrue(one(s, "apiserver_request_duration_seconds_count", created).value() >= 1);
    one(s, "apiserver_request_duration_seconds_sum", created);
    assertBuckets(List.of(0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0,
        10.0, 15.0, 20.0, 30.0, 45.0, 60.0), buckets(s, "apiserver_request_duration_seconds", created));
    one(s, "apiserver_current_inflight_requests", "request_kind", "readOnly");
    one(s, "apiserver_current_inflight_requests", "request_kind", "mutating");
    // the cluster's own informers watch pods all the time (summed over the series: a namespaced watch of pods an
    // earlier test opened and closed has a series of its own at 0)
    assertTrue(find(s, "apiserver_longrunning_requests", "verb", "WATCH", "group", "", "version", "v1", "resource",
        "pods", "component", "apiserver").stream().mapToDouble(Sample::value).sum() >= 1,
        find(s, "apiserver_longrunning_requests", "resource", "pods").toString());
    assertTrue(one(s, "apiserver_registered_watchers", "group", "", "version", "v1", "kind", "Pod").value() >= 1);
    assertTrue(one(s, "apiserver_storage_objects", "resource", "namespaces").value() >= 1);
    one(s, "apiserver_storage_objects", "resource", "deployments.apps");
    assertBuckets(List.of(0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0,
        10.0, 15.0, 20.0, 30.0, 45.0, 60.0), buckets(s, "etcd_request_duration_seconds", "operation", "create",
        "type", "configmaps"));
  }

  @Conformance("api-machinery.prometheus-metrics")
  @Test
  void schedulerControllerManagerAndKubeletMetricsAsUpstream(String ns) throws Exception {
    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("p").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox").withCommand("sleep", "3600").endContainer()
        .endSpec().build()).create();
    Await.until(Duration.ofSeconds(120), "the pod running", () -> {
      Pod p = client.pods().inNamespace(ns).withName("p").get();
      return p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
    });

    int schedulerPort = Cluster.componentHealthPort("scheduler");
    Await.until(Duration.ofSeconds(30), "the scheduler's metrics count the pod", () -> !find(
        parse(get(schedulerPort)), "scheduler_pod_scheduling_sli_duration_seconds_count").isEmpty());
    List<Sample> sched = parse(get(schedulerPort));
    assertTrue(one(sched, "scheduler_schedule_attempts_total", "result", "scheduled", "profile", "default-scheduler")
        .value() >= 1);
    List<Double> attempt = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      attempt.add(0.001 * (1 << i));
    }
    assertBuckets(attempt, buckets(sched, "scheduler_scheduling_attempt_duration_seconds", "result", "scheduled",
        "profile", "default-scheduler"));
    for (String queue : List.of("active", "backoff", "unschedulable", "gated")) {
      one(sched, "scheduler_pending_pods", "queue", queue);
    }
    List<Double> sli = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sli.add(0.01 * (1 << i));
    }
    assertBuckets(sli, buckets(sched, "scheduler_pod_scheduling_sli_duration_seconds"));
    one(sched, "scheduler_preemption_attempts_total");
    List<Double> extension = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      extension.add(0.0001 * (1 << i));
    }
    assertBuckets(extension, buckets(sched, "scheduler_framework_extension_point_duration_seconds",
        "extension_point", "Bind", "status", "Success", "profile", "default-scheduler"));

    // the test's namespace was added to the serviceaccount controller's queue (it makes the default ServiceAccount)
    int controllersPort = Cluster.componentHealthPort("controllers");
    Await.until(Duration.ofSeconds(30), "the serviceaccount queue's adds counted", () -> find(
        parse(get(controllersPort)), "workqueue_adds_total", "name", "serviceaccount").stream()
        .anyMatch(x -> x.value() >= 1));
    List<Sample> kcm = parse(get(controllersPort));
    one(kcm, "workqueue_depth", "name", "serviceaccount");
    one(kcm, "workqueue_retries_total", "name", "serviceaccount");
    one(kcm, "workqueue_unfinished_work_seconds", "name", "serviceaccount");
    one(kcm, "workqueue_longest_running_processor_seconds", "name", "serviceaccount");
    List<Double> queueBuckets = List.of(1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0);
    assertBuckets(queueBuckets, buckets(kcm, "workqueue_queue_duration_seconds", "name", "serviceaccount"));
    assertBuckets(queueBuckets, buckets(kcm, "workqueue_work_duration_seconds", "name", "serviceaccount"));

    int kubeletPort = Cluster.componentHealthPort("kubelet");
    String node = client.pods().inNamespace(ns).withName("p").get().getSpec().getNodeName();
    Await.until(Duration.ofSeconds(30), "the kubelet's metrics count the pod", () -> {
      List<Sample> k = parse(get(kubeletPort));
      return !find(k, "kubelet_pod_start_duration_seconds_count").isEmpty()
          && one(k, "kubelet_pod_start_duration_seconds_count").value() >= 1
          && one(k, "kubelet_running_pods").value() >= 1;
    });
    List<Sample> kubelet = parse(get(kubeletPort));
    assertEquals(1.0, one(kubelet, "kubelet_node_name", "node", node).value());
    assertTrue(one(kubelet, "kubelet_running_containers", "container_state", "running").value() >= 1);
    assertBuckets(List.of(0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 20.0, 30.0, 45.0, 60.0, 120.0, 180.0, 240.0,
        300.0, 360.0, 480.0, 600.0, 900.0, 1200.0, 1800.0, 2700.0, 3600.0),
        buckets(kubelet, "kubelet_pod_start_duration_seconds"));
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static String get(int port) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return r.body();
    } catch (IOException e) {
      throw new AssertionError("GET http://127.0.0.1:" + port + "/metrics: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
