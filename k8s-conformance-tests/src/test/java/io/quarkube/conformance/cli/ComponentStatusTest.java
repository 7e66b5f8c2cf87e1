package io.quarkube.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.KubectlVersions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * {@code kubectl get cs}: the deprecated core/v1 componentstatuses, probed on each request (the scheduler's and the
 * controller manager's /healthz, etcd), get and list only, with upstream's deprecation warning.
 */
class ComponentStatusTest {

  @Conformance("cli.componentstatuses")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void getCsShowsTheControlPlaneHealthy(Kubectl kubectl) {
    Kubectl.Result r = kubectl.run("get", "cs").ok();
    assertTrue(r.err().contains("Warning: v1 ComponentStatus is deprecated in v1.19+"), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(List.of("NAME", "STATUS", "MESSAGE", "ERROR"), words(lines.get(0)), r.out());
    for (String component : List.of("scheduler", "controller-manager", "etcd-0")) {
      String row = lines.stream().filter(l -> l.startsWith(component + " ")).findFirst()
          .orElseThrow(() -> new AssertionError(component + " missing from\n" + r.out()));
      assertEquals(List.of(component, "Healthy", "ok"), words(row), r.out());
    }
    assertEquals(4, lines.size(), r.out());

    String one = kubectl.run("get", "componentstatus", "etcd-0", "-o",
        "jsonpath={.conditions[0].type}/{.conditions[0].status}/{.conditions[0].message}").ok().out();
    assertEquals("Healthy/True/ok", one);
    Kubectl.Result missing = kubectl.run("get", "cs", "nope").fails();
    assertTrue(missing.err().contains("Component not found: nope"), missing.err());
    // read-only: no deletes, no creates (405 as upstream)
    Kubectl.Result delete = kubectl.run("delete", "cs", "scheduler").fails();
    assertTrue(delete.err().contains("(MethodNotAllowed): the server does not allow this method"), delete.err());
    String resources = kubectl.run("api-resources", "--api-group=", "-o", "wide").ok().out();
    String row = resources.lines().filter(l -> l.startsWith("componentstatuses ")).findFirst()
        .orElseThrow(() -> new AssertionError(resources));
    assertEquals(List.of("componentstatuses", "cs", "v1", "false", "ComponentStatus", "get,list"), words(row));
  }

  private static List<String> words(String line) {
    return Arrays.asList(line.trim().split("\\s+"));
  }
}
