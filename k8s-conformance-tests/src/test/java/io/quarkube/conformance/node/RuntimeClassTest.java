package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * node.k8s.io/v1 RuntimeClasses through kubectl, and the RuntimeClass admission plugin on pods that name one. The
 * pods use a scheduler that does not exist: this is about what the API server stores, not about running them.
 */
@ExtendWith(TestNamespace.class)
class RuntimeClassTest {
  private static final String UNSCHEDULED = "quarkube-e2e-unscheduled";
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  private static String runtimeClass(String name, String handler, String extra) {
    return """
        apiVersion: node.k8s.io/v1
        kind: RuntimeClass
        metadata: {name: %s}
        handler: %s
        %s""".formatted(name, handler, extra);
  }

  private static String pod(String name, String runtimeClass, String extra) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          schedulerName: %s
          runtimeClassName: %s
          containers: [{name: main, image: registry.local/pause:3.9}]
        %s""".formatted(name, UNSCHEDULED, runtimeClass, extra);
  }

  @Conformance("node.runtimeclass-api")
  @Test
  void kubectlAppliesGetsExplainsAndDeletesRuntimeClasses(String ns) {
    String name = "e2e-rc-" + ns;
    try {
      kubectl.runWithInput(runtimeClass(name, "runc", "scheduling: {nodeSelector: {team: a}}"), "apply", "-f", "-")
          .ok();
      List<String> lines = kubectl.run("get", "runtimeclass", name).ok().out().lines().toList();
      assertEquals(List.of("NAME", "HANDLER", "AGE"), words(lines.get(0)));
      assertEquals(List.of(name, "runc"), words(lines.get(1)).subList(0, 2));
      // apply again with a change: a patch
      kubectl.runWithInput(runtimeClass(name, "runc", "scheduling: {nodeSelector: {team: b}}"), "apply", "-f", "-")
          .ok();
      assertEquals(Map.of("team", "b"), client.resources(RuntimeClass.class).withName(name).get()
          .getScheduling().getNodeSelector());
      // the handler never changes; an invalid one is refused
      Kubectl.Result immutable = kubectl.runWithInput(runtimeClass(name, "kata", ""), "apply", "-f", "-").fails();
      assertTrue(immutable.err().contains("handler: Invalid value: \"kata\": field is immutable"), immutable.err());
      Kubectl.Result invalid = kubectl.runWithInput(runtimeClass("e2e-bad-" + ns, "Not_A_Label", ""), "create",
          "-f", "-").fails();
      assertTrue(invalid.err().contains("The RuntimeClass \"e2e-bad-" + ns + "\" is invalid: handler: "
          + "Invalid value: \"Not_A_Label\": a lowercase RFC 1123 label"), invalid.err());

      String explain = kubectl.run("explain", "runtimeclass.handler").ok().out();
      assertTrue(explain.contains("KIND:") && explain.contains("RuntimeClass") && explain.contains("handler"),
          explain);
      String resources = kubectl.run("api-resources", "--api-group=node.k8s.io").ok().out();
      assertTrue(resources.lines().anyMatch(l -> words(l).equals(List.of("runtimeclasses", "node.k8s.io/v1",
          "false", "RuntimeClass"))), resources);
      kubectl.run("delete", "runtimeclass", name).ok();
      assertEquals(null, client.resources(RuntimeClass.class).withName(name).get());
    } finally {
      kubectl.run("delete", "runtimeclass", name, "--ignore-not-found");
    }
  }

  @Conformance("node.runtimeclass-admission")
  @Test
  void podsGetTheClassesOverheadAndSchedulingAndAMissingClassIsRefused(String ns) {
    String name = "e2e-rc-" + ns;
    try {
      kubectl.runWithInput(runtimeClass(name, "runc", """
          overhead: {podFixed: {cpu: 250m, memory: 120Mi}}
          scheduling:
            nodeSelector: {quarkube.io/e2e-runtime: runc}
            tolerations: [{key: quarkube.io/e2e-sandbox, operator: Exists, effect: NoSchedule}]
          """), "apply", "-f", "-").ok();
      kubectl.runWithInput(pod("with-class", name, """
            nodeSelector: {disk: ssd}
            tolerations: [{key: quarkube.io/e2e-sandbox, operator: Exists, effect: NoSchedule}]
          """), "create", "-n", ns, "-f", "-").ok();
      Pod p = client.pods().inNamespace(ns).withName("with-class").get();
      assertEquals(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("120Mi")), p.getSpec().getOverhead());
      assertEquals(Map.of("disk", "ssd", "quarkube.io/e2e-runtime", "runc"), p.getSpec().getNodeSelector());
      assertEquals(1, p.getSpec().getTolerations().stream()
          .filter(t -> "quarkube.io/e2e-sandbox".equals(t.getKey())).count(), p.getSpec().getTolerations().toString());
      assertNotNull(p.getSpec().getRuntimeClassName());

      Kubectl.Result missing = kubectl.runWithInput(pod("no-class", "e2e-missing", ""), "create", "-n", ns, "-f",
          "-").fails();
      assertTrue(missing.err().contains("Error from server (Forbidden): error when creating \"STDIN\": pods "
          + "\"no-class\" is forbidden: pod rejected: RuntimeClass \"e2e-missing\" not found"), missing.err());
      Kubectl.Result conflict = kubectl.runWithInput(pod("conflict", name, """
            nodeSelector: {quarkube.io/e2e-runtime: kata}
          """), "create", "-n", ns, "-f", "-").fails();
      assertTrue(conflict.err().contains("pods \"conflict\" is forbidden: conflict: runtimeClass.scheduling"
          + ".nodeSelector[quarkube.io/e2e-runtime] = runc; pod.spec.nodeSelector[quarkube.io/e2e-runtime] = kata"),
          conflict.err());
      Kubectl.Result otherOverhead = kubectl.runWithInput(pod("other-overhead", name, """
            overhead: {cpu: "1"}
          """), "create", "-n", ns, "-f", "-").fails();
      assertTrue(otherOverhead.err().contains("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined "
          + "Overhead"), otherOverhead.err());
      Kubectl.Result overheadWithoutClass = kubectl.runWithInput("""
          apiVersion: v1
          kind: Pod
          metadata: {name: bare-overhead}
          spec:
            schedulerName: %s
            overhead: {cpu: "1"}
            containers: [{name: main, image: registry.local/pause:3.9}]
          """.formatted(UNSCHEDULED), "create", "-n", ns, "-f", "-").fails();
      assertTrue(overheadWithoutClass.err().contains("pod rejected: Pod Overhead set without corresponding "
          + "RuntimeClass defined Overhead"), overheadWithoutClass.err());
    } finally {
      kubectl.run("delete", "runtimeclass", name, "--ignore-not-found");
    }
  }

  private static List<String> words(String line) {
    return Arrays.asList(line.trim().split("\\s+"));
  }
}
