package io.quarkube.bench;

import java.nio.charset.StandardCharsets;

/**
 * A realistic pod (~2 KiB of JSON, like a Deployment's pod: labels, annotations, one container with env, ports,
 * resources, probes and a mounted volume) that is never run: {@code spec.schedulerName} names a scheduler that does
 * not exist, so it stays Pending and unbound: no scheduler, kubelet or controller acts on it (a pod bound to a node
 * that does not exist would be deleted by the pod garbage collector within a minute, as upstream's does), and the
 * benchmark measures only the API server.
 */
public final class PodJson {
  /** The scheduler the API benchmarks' pods ask for: none has this name, so they are never bound. */
  public static final String NO_SCHEDULER = "quarkube-bench-no-such-scheduler";

  private PodJson() {}

  public static byte[] pod(String namespace, String name) {
    String json = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s",\
        "labels":{"app":"bench-frontend","tier":"web","track":"stable","pod-template-hash":"7d4b9c8f6d",\
        "app.kubernetes.io/name":"frontend","app.kubernetes.io/part-of":"quarkube-bench"},\
        "annotations":{"bench.quarkube.io/round":"0","prometheus.io/scrape":"true","prometheus.io/port":"9090",\
        "kubectl.kubernetes.io/default-container":"app","description":"a pod of the Quarkube benchmarks, about two \
        kibibytes of JSON like a typical workload pod; it asks for a scheduler that does not exist and never runs"}},\
        "spec":{"schedulerName":"%s","terminationGracePeriodSeconds":0,"restartPolicy":"Always",\
        "containers":[{"name":"app","image":"registry.example/bench/frontend:1.27.3","imagePullPolicy":"IfNotPresent",\
        "args":["--port=8080","--metrics-port=9090","--log-level=info","--cache-size=256"],\
        "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9090,\
        "protocol":"TCP"}],"env":[{"name":"APP_ENV","value":"production"},{"name":"APP_REGION","value":"local"},\
        {"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},{"name":"POD_IP",\
        "valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},{"name":"GOMAXPROCS","value":"2"}],\
        "resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"500m","memory":"256Mi"}},\
        "livenessProbe":{"httpGet":{"path":"/healthz","port":8080},"initialDelaySeconds":10,"periodSeconds":10},\
        "readinessProbe":{"httpGet":{"path":"/readyz","port":8080},"periodSeconds":5,"failureThreshold":3},\
        "volumeMounts":[{"name":"config","mountPath":"/etc/frontend","readOnly":true},\
        {"name":"cache","mountPath":"/var/cache/frontend"}]}],\
        "volumes":[{"name":"config","configMap":{"name":"frontend-config","optional":true}},\
        {"name":"cache","emptyDir":{"sizeLimit":"1Gi"}}],\
        "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute",\
        "tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists",\
        "effect":"NoExecute","tolerationSeconds":300}]}}"""
        .formatted(name, namespace, NO_SCHEDULER);
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
