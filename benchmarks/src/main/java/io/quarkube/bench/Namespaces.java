package io.quarkube.bench;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The benchmarks' namespaces: made fresh for a run, emptied and deleted afterwards. */
final class Namespaces {
  private Namespaces() {}

  /** Deletes what a previous (interrupted) run left, then creates the namespace. */
  static void fresh(Api api, String ns) throws Exception {
    delete(api, ns);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      HttpResponse<byte[]> r = api.send(api.request("/api/v1/namespaces").header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}"))
          .build());
      if (r.statusCode() == 201) {
        defaultServiceAccount(api, ns);
        return;
      }
      // 409: the old one is still terminating
      if (r.statusCode() != 409 || System.nanoTime() > deadline) {
        throw new IllegalStateException("cannot create namespace " + ns + ": " + r.statusCode() + " "
            + new String(r.body(), StandardCharsets.UTF_8));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
  }

  /**
   * Pods need their namespace's "default" service account (ServiceAccount admission); the controllers make it, but
   * an API-server-only cluster (QUARKUBE_COMPONENTS=api-server) has none, so the benchmark makes it (409: the
   * controller was first).
   */
  private static void defaultServiceAccount(Api api, String ns) throws Exception {
    HttpResponse<byte[]> r = api.send(api.request("/api/v1/namespaces/" + ns + "/serviceaccounts")
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"default\"}}"))
        .build());
    if (r.statusCode() != 201 && r.statusCode() != 409) {
      throw new IllegalStateException("cannot create the default service account of " + ns + ": " + r.statusCode()
          + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Removes the pods at once (grace period 0: most are bound to a node without kubelet, which would never confirm a
   * graceful deletion), then the namespace; waits until it is gone.
   */
  static void delete(Api api, String ns) throws Exception {
    api.delete("/api/v1/namespaces/" + ns + "/pods?gracePeriodSeconds=0",
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0}");
    if (api.delete("/api/v1/namespaces/" + ns, null) == 404) {
      return;
    }
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MINUTES.toNanos(5);
    boolean finalized = false;
    while (System.nanoTime() < deadline) {
      HttpResponse<byte[]> r = api.send(api.request("/api/v1/namespaces/" + ns).GET().build());
      if (r.statusCode() == 404) {
        return;
      }
      if (!finalized && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(20)) {
        finalizeWithoutController(api, ns);
        finalized = true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    throw new IllegalStateException("namespace " + ns + " was not gone 5 minutes after its deletion");
  }

  /**
   * An API-server-only cluster (QUARKUBE_COMPONENTS=api-server) has no namespace controller to drop the
   * "kubernetes" finalizer; its pods are already gone, so the benchmark finalizes the namespace itself, as the
   * controller would once the namespace is empty.
   */
  private static void finalizeWithoutController(Api api, String ns) throws Exception {
    api.send(api.request("/api/v1/namespaces/" + ns + "/finalize").header("Content-Type", "application/json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
            + "\"metadata\":{\"name\":\"" + ns + "\"},\"spec\":{\"finalizers\":[]}}"))
        .build());
  }
}
