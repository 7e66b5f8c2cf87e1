package io.quarkube.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.apimachinery.Api;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Kubectl client Update Demo" tests: the update-demo ReplicationController made with kubectl create,
 * checked as upstream's validateController checks it (kubectl's Go templates for running containers and their image,
 * each pod's data.json through the API server's pod proxy), scaled with kubectl scale, then force-deleted with
 * nothing left. The nautilus image is busybox httpd serving the same data.json.
 */
@ExtendWith(TestNamespace.class)
class UpdateDemoTest {
  private static final String SELECTOR = "name=update-demo";
  private static final String IMAGE = "busybox";
  private static final String NAUTILUS = """
      apiVersion: v1
      kind: ReplicationController
      metadata:
        name: update-demo-nautilus
      spec:
        replicas: 2
        selector:
          name: update-demo
          version: nautilus
        template:
          metadata:
            labels:
              name: update-demo
              version: nautilus
          spec:
            terminationGracePeriodSeconds: 1
            containers:
            - name: update-demo
              image: busybox
              command: ["sh", "-c", "mkdir -p /w && echo '{\\"image\\": \\"nautilus.jpg\\"}' > /w/data.json && exec httpd -f -p 80 -h /w"]
              ports:
              - containerPort: 80
                protocol: TCP
      """;
  private final Kubectl kubectl = Kubectl.stock();

  @Conformance("cli.update-demo")
  @Test
  void createAndStopAReplicationController(String ns) {
    try {
      kubectl.runWithInput(NAUTILUS, "create", "-f", "-", "--namespace=" + ns).ok();
      validateController(ns, 2);
    } finally {
      cleanUp(ns);
    }
  }

  @Conformance("cli.update-demo")
  @Test
  void scaleAReplicationController(String ns) {
    try {
      kubectl.runWithInput(NAUTILUS, "create", "-f", "-", "--namespace=" + ns).ok();
      validateController(ns, 2);
      kubectl.run("scale", "rc", "update-demo-nautilus", "--replicas=1", "--timeout=5m", "--namespace=" + ns).ok();
      validateController(ns, 1);
      kubectl.run("scale", "rc", "update-demo-nautilus", "--replicas=2", "--timeout=5m", "--namespace=" + ns).ok();
      validateController(ns, 2);
    } finally {
      cleanUp(ns);
    }
  }

  /** Upstream's validateController: exactly {@code replicas} pods, each running the image and serving its data. */
  private void validateController(String ns, int replicas) {
    Await.until(Duration.ofSeconds(120), replicas + " update-demo pods running " + IMAGE + " and serving data.json",
        () -> {
          List<String> pods = podNames(ns);
          if (pods.size() != replicas) {
            return false;
          }
          for (String pod : pods) {
            String running = kubectl.run("get", "pods", pod, "-o", "template", "--template={{if (exists . "
                + "\"status\" \"containerStatuses\")}}{{range .status.containerStatuses}}{{if (and (eq .name "
                + "\"update-demo\") (exists . \"state\" \"running\"))}}true{{end}}{{end}}{{end}}", "--namespace=" + ns)
                .out();
            if (!running.equals("true")) {
              return false;
            }
            String image = kubectl.run("get", "pods", pod, "-o", "template", "--template={{if (exists . \"spec\" "
                + "\"containers\")}}{{range .spec.containers}}{{if eq .name \"update-demo\"}}{{.image}}{{end}}{{end}}"
                + "{{end}}", "--namespace=" + ns).out();
            assertEquals(IMAGE, image, pod);
            Api.Response data = Api.get("/api/v1/namespaces/" + ns + "/pods/" + pod + "/proxy/data.json",
                "application/json");
            if (data.code() != 200 || !Api.parse(data.body()).path("image").asText().equals("nautilus.jpg")) {
              return false;
            }
          }
          return true;
        });
  }

  /** The pods of the selector not being deleted (a scaled-down pod may still terminate). */
  private List<String> podNames(String ns) {
    String out = kubectl.run("get", "pods", "-o", "template", "--template={{range.items}}{{ if not "
        + ".metadata.deletionTimestamp }}{{.metadata.name}} {{end}}{{end}}", "-l", SELECTOR, "--namespace=" + ns)
        .ok().out();
    return Arrays.stream(out.trim().split(" ")).filter(s -> !s.isEmpty()).toList();
  }

  /** Upstream's cleanupKubectlInputs: a forced delete of the input, then no rc, service or live pod is left. */
  private void cleanUp(String ns) {
    Kubectl.Result deleted = kubectl.runWithInput(NAUTILUS, "delete", "--grace-period=0", "--force", "-f", "-",
        "--namespace=" + ns);
    assertTrue(deleted.exitCode() == 0 || deleted.err().contains("NotFound"), deleted.err());
    assertEquals("", kubectl.run("get", "rc,svc", "-l", SELECTOR, "--no-headers", "--namespace=" + ns).ok().out()
        .trim());
    Await.until(Duration.ofSeconds(60), "no update-demo pod left running", () -> podNames(ns).isEmpty());
  }
}
