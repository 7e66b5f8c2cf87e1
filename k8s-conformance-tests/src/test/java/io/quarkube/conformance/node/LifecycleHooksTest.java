package io.quarkube.conformance.node;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.LifecycleHandlerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Container Lifecycle Hook" and "PreStop" tests: postStart and preStop hooks, exec and httpGet, reach a
 * handler pod. The handler is busybox httpd with a CGI script that logs each request (upstream's agnhost netexec
 * /echo); the exec hooks call it with wget (upstream: curl), the httpGet hooks name its IP as host.
 */
@Conformance("node.lifecycle-hooks")
@ExtendWith(TestNamespace.class)
class LifecycleHooksTest {
  private static final Duration RUN = Duration.ofSeconds(120);
  private static final String HANDLER = """
      mkdir -p /www/cgi-bin
      cat > /www/cgi-bin/echo <<'END'
      #!/bin/sh
      echo "received $REQUEST_METHOD $REQUEST_URI" >&2
      printf 'Content-Type: text/plain\\r\\n\\r\\nok'
      END
      chmod +x /www/cgi-bin/echo
      exec httpd -f -p 8080 -h /www
      """;

  private static LifecycleHandler exec(String ip, String msg) {
    return new LifecycleHandlerBuilder().withNewExec().withCommand("sh", "-c",
        "wget -qO- 'http://" + ip + ":8080/cgi-bin/echo?msg=" + msg + "'").endExec().build();
  }

  private static LifecycleHandler http(String ip, String msg) {
    return new LifecycleHandlerBuilder().withNewHttpGet().withHost(ip).withPath("/cgi-bin/echo?msg=" + msg)
        .withPort(new IntOrString(8080)).endHttpGet().build();
  }

  private static Pod hooked(String ns, String name, LifecycleHandler postStart, LifecycleHandler preStop) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(5L)
        .addNewContainer().withName(name).withImage("busybox").withCommand("sleep", "3600")
        .withNewLifecycle().withPostStart(postStart).withPreStop(preStop).endLifecycle().endContainer().endSpec()
        .build();
  }

  private static void awaitReceived(String ns, String request) {
    Await.until(RUN, "the handler received " + request, () -> RealNode.client().pods().inNamespace(ns)
        .withName("pod-handle-http-request").getLog().contains("received " + request));
  }

  private static void awaitGone(String ns, String name) {
    Await.until(RUN, "pod " + name + " gone", () -> RealNode.pod(ns, name) == null);
  }

  @Test
  void postStartAndPreStopHooksReachTheHandler(String ns) {
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("pod-handle-http-request")
        .withNamespace(ns).endMetadata().withNewSpec().withNodeName(RealNode.name())
        .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("handler").withImage("busybox")
        .withCommand("sh", "-c", HANDLER).addNewPort().withContainerPort(8080).endPort().endContainer().endSpec()
        .build()).create();
    Await.until(RUN, "the handler ready", () -> {
      Pod p = RealNode.pod(ns, "pod-handle-http-request");
      return p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
          && p.getStatus().getPodIP() != null;
    });
    String ip = RealNode.pod(ns, "pod-handle-http-request").getStatus().getPodIP();
    Await.until(RUN, "the handler serves", () -> {
      var out = Kubectl.stock().run("exec", "pod-handle-http-request", "-n", ns, "--", "wget", "-qO-",
          "http://127.0.0.1:8080/cgi-bin/echo?msg=ping");
      return out.out().equals("ok");
    });

    // all four pods at once, each with one hook
    for (Pod pod : List.of(hooked(ns, "pod-with-poststart-exec-hook", exec(ip, "poststart-exec"), null),
        hooked(ns, "pod-with-poststart-http-hook", http(ip, "poststart-http"), null),
        hooked(ns, "pod-with-prestop-exec-hook", null, exec(ip, "prestop-exec")),
        hooked(ns, "pod-with-prestop-http-hook", null, http(ip, "prestop-http")))) {
      RealNode.client().resource(pod).create();
    }
    awaitReceived(ns, "GET /cgi-bin/echo?msg=poststart-exec");
    awaitReceived(ns, "GET /cgi-bin/echo?msg=poststart-http");
    for (String name : List.of("pod-with-prestop-exec-hook", "pod-with-prestop-http-hook")) {
      RealNode.awaitPhase(ns, name, "Running", RUN);
    }
    // deleting the pods runs their preStop hooks before their containers stop
    for (String name : List.of("pod-with-poststart-exec-hook", "pod-with-poststart-http-hook",
        "pod-with-prestop-exec-hook", "pod-with-prestop-http-hook")) {
      RealNode.client().pods().inNamespace(ns).withName(name).delete();
    }
    awaitReceived(ns, "GET /cgi-bin/echo?msg=prestop-exec");
    awaitReceived(ns, "GET /cgi-bin/echo?msg=prestop-http");
    for (String name : List.of("pod-with-poststart-exec-hook", "pod-with-poststart-http-hook",
        "pod-with-prestop-exec-hook", "pod-with-prestop-http-hook")) {
      awaitGone(ns, name);
    }
  }
}
