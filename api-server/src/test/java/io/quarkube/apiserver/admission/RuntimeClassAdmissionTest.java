package io.quarkube.apiserver.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.resource.ResourceCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's RuntimeClass admission: overhead, node selector and toleration merging, and its refusals. */
class RuntimeClassAdmissionTest {
  private static final ResourceCatalog CATALOG = ResourceCatalog.builtIn();

  private static AdmissionRequest create(HasMetadata obj) {
    return new AdmissionRequest(AdmissionRequest.Operation.CREATE, CATALOG.find("", "v1", "pods").orElseThrow(),
        "ns", obj.getMetadata().getName(), null, obj, new UserInfo("u", "", List.of()), false);
  }

  private static Pod pod(String runtimeClass) {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
        .withRuntimeClassName(runtimeClass).addNewContainer().withName("c").withImage("busybox").endContainer()
        .endSpec().build();
  }

  private static Toleration toleration(String key, String operator, String value, String effect) {
    return new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect).build();
  }

  private static final RuntimeClass KATA = new RuntimeClassBuilder().withNewMetadata().withName("kata").endMetadata()
      .withHandler("kata").withNewOverhead().withPodFixed(Map.of("cpu", new Quantity("250m"), "memory",
          new Quantity("120Mi"))).endOverhead().withNewScheduling()
      .withNodeSelector(Map.of("runtime", "kata")).withTolerations(toleration("sandbox", "Exists", null,
          "NoSchedule")).endScheduling().build();
  private static final RuntimeClass RUNC = new RuntimeClassBuilder().withNewMetadata().withName("runc").endMetadata()
      .withHandler("runc").build();

  /** The plugin's steps, in its order, over a fixed set of classes in place of its lookup. */
  private static void admit(Pod p, RuntimeClass... classes) {
    AdmissionRequest r = create(p);
    var spec = p.getSpec();
    RuntimeClass rc = spec.getRuntimeClassName() == null ? null : List.of(classes).stream()
        .filter(c -> c.getMetadata().getName().equals(spec.getRuntimeClassName())).findFirst()
        .orElseThrow(() -> AdmissionErrors.forbidden(r, "pod rejected: RuntimeClass \""
            + spec.getRuntimeClassName() + "\" not found"));
    RuntimeClassAdmission.setOverhead(r, spec, rc);
    RuntimeClassAdmission.setScheduling(r, spec, rc);
    RuntimeClassAdmission.validateOverhead(r, spec, rc);
  }

  @Test
  void overheadSelectorAndTolerationsComeFromTheClass() {
    Pod p = pod("kata");
    p.getSpec().setNodeSelector(new LinkedHashMap<>(Map.of("disk", "ssd")));
    p.getSpec().setTolerations(new ArrayList<>(List.of(toleration("dedicated", "Equal", "x", "NoSchedule"))));
    admit(p, KATA);
    assertEquals(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("120Mi")), p.getSpec().getOverhead());
    assertEquals(Map.of("disk", "ssd", "runtime", "kata"), p.getSpec().getNodeSelector());
    assertEquals(List.of("dedicated", "sandbox"), p.getSpec().getTolerations().stream().map(Toleration::getKey)
        .toList());
  }

  @Test
  void aClassWithoutOverheadOrSchedulingChangesNothing() {
    Pod p = pod("runc");
    admit(p, RUNC);
    assertEquals(Map.of(), p.getSpec().getOverhead() == null ? Map.of() : p.getSpec().getOverhead());
    assertEquals(Map.of(), p.getSpec().getNodeSelector() == null ? Map.of() : p.getSpec().getNodeSelector());
  }

  @Test
  void aMissingClassIsForbidden() {
    ApiException e = assertThrows(ApiException.class, () -> admit(pod("gvisor"), KATA));
    assertEquals(403, e.code());
    assertEquals("pods \"p\" is forbidden: pod rejected: RuntimeClass \"gvisor\" not found", e.getMessage());
  }

  @Test
  void theRealPluginRefusesAMissingClassThroughItsLookup() {
    // the plugin's own lookup: an empty name is never found (no store needed)
    ApiException e = assertThrows(ApiException.class, () -> new RuntimeClassAdmission(null).admit(create(pod(""))));
    assertEquals("pods \"p\" is forbidden: pod rejected: RuntimeClass \"\" not found", e.getMessage());
  }

  @Test
  void aDifferentOverheadIsRefusedAnEqualOneKept() {
    Pod p = pod("kata");
    p.getSpec().setOverhead(new LinkedHashMap<>(Map.of("cpu", new Quantity("1"))));
    ApiException e = assertThrows(ApiException.class, () -> admit(p, KATA));
    assertEquals("pods \"p\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined "
        + "Overhead", e.getMessage());
    Pod same = pod("kata");
    same.getSpec().setOverhead(new LinkedHashMap<>(Map.of("cpu", new Quantity("0.25"), "memory",
        new Quantity("120Mi"))));
    admit(same, KATA);
  }

  @Test
  void overheadWithoutAClassThatDefinesOneIsRefused() {
    for (Pod p : List.of(pod(null), pod("runc"))) {
      p.getSpec().setOverhead(new LinkedHashMap<>(Map.of("cpu", new Quantity("1"))));
      ApiException e = assertThrows(ApiException.class, () -> admit(p, RUNC));
      assertEquals("pods \"p\" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass "
          + "defined Overhead", e.getMessage());
    }
    // the real plugin too, for a pod without a class (no lookup): in its validating phase
    Pod p = pod(null);
    p.getSpec().setOverhead(new LinkedHashMap<>(Map.of("cpu", new Quantity("1"))));
    new RuntimeClassAdmission(null).admit(create(p));
    assertThrows(ApiException.class, () -> new RuntimeClassAdmission(null).validate(create(p)));
    new RuntimeClassAdmission(null).validate(create(pod(null)));
  }

  @Test
  void anOverheadAPluginAfterItAddsIsRefusedInTheValidatingPhase() {
    // a later mutating plugin (a webhook) setting an overhead the pod's class does not define
    AdmissionPlugin later = new AdmissionPlugin() {
      @Override
      public String name() {
        return "LaterMutation";
      }

      @Override
      public void admit(AdmissionRequest r) {
        ((Pod) r.object()).getSpec().setOverhead(new LinkedHashMap<>(Map.of("cpu", new Quantity("1"))));
      }
    };
    AdmissionChain chain = new AdmissionChain(List.of(new RuntimeClassAdmission(null), later));
    ApiException e = assertThrows(ApiException.class, () -> chain.admit(create(pod(null))));
    assertEquals("pods \"p\" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass "
        + "defined Overhead", e.getMessage());
  }

  @Test
  void aConflictingNodeSelectorIsRefused() {
    Pod p = pod("kata");
    p.getSpec().setNodeSelector(new LinkedHashMap<>(Map.of("runtime", "runc")));
    ApiException e = assertThrows(ApiException.class, () -> admit(p, KATA));
    assertEquals("pods \"p\" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata; "
        + "pod.spec.nodeSelector[runtime] = runc", e.getMessage());
  }

  @Test
  void tolerationsMergeWithoutDuplicatesOrCoveredOnes() {
    Toleration a = toleration("sandbox", "Exists", null, "NoSchedule");
    Toleration equal = toleration("k", "Equal", "v", "NoSchedule");
    Toleration everything = toleration(null, "Exists", null, null);
    assertEquals(List.of(a), RuntimeClassAdmission.mergeTolerations(List.of(a), List.of(toleration("sandbox",
        "Exists", null, "NoSchedule"))));
    // Exists on the key covers an Equal on it; an empty key with Exists covers all
    assertEquals(List.of(toleration("k", "Exists", null, "NoSchedule")), RuntimeClassAdmission.mergeTolerations(
        List.of(equal), List.of(toleration("k", "Exists", null, "NoSchedule"))));
    assertEquals(List.of(everything), RuntimeClassAdmission.mergeTolerations(List.of(a, equal), List.of(everything)));
    assertEquals(List.of(a, equal), RuntimeClassAdmission.mergeTolerations(List.of(a), List.of(equal)));
    assertNull(RuntimeClassAdmission.mergeTolerations(null, null).isEmpty() ? null : "not empty");
  }
}
