package io.quarkube.apiserver.registry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.apiserver.errors.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EphemeralContainersTest {
  private final PodStrategy strategy = new PodStrategy();

  private static Pod pod(EphemeralContainer... ephemeral) {
    Pod p = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withResourceVersion("5")
        .endMetadata().withNewSpec().addNewContainer().withName("main").withImage("busybox").endContainer()
        .withNodeName("n1").endSpec().withNewStatus().withPhase("Running").endStatus().build();
    PodSpecDefaults.apply(p.getSpec());
    p.getSpec().setEphemeralContainers(new ArrayList<>(List.of(ephemeral)));
    PodSpecDefaults.ephemeral(p.getSpec());
    return p;
  }

  private static EphemeralContainer debugger(String name) {
    return new EphemeralContainerBuilder().withName(name).withImage("busybox").withTargetContainerName("main")
        .build();
  }

  private List<String> errors(Pod updated, Pod old) {
    return strategy.validateUpdate(updated, old).stream().map(e -> e.field() + ": " + e.causeMessage()).toList();
  }

  @Test
  void onlyTheSubresourceChangesEphemeralContainersAndItChangesNothingElse() {
    Pod old = pod();
    Pod requested = pod(debugger("dbg"));
    requested.getSpec().getContainers().get(0).setImage("other");
    requested.getStatus().setPhase("Failed");
    Pod written = strategy.carryOver(EphemeralContainers.SUBRESOURCE, requested, old);
    assertEquals("dbg", written.getSpec().getEphemeralContainers().get(0).getName());
    assertEquals("Always", written.getSpec().getEphemeralContainers().get(0).getImagePullPolicy()); // :latest
    assertEquals("busybox", written.getSpec().getContainers().get(0).getImage());
    assertEquals("Running", written.getStatus().getPhase());
    assertEquals(List.of(), errors(written, old));

    Pod viaPod = strategy.carryOver(null, pod(debugger("dbg"), debugger("more")), written);
    assertEquals(1, viaPod.getSpec().getEphemeralContainers().size(), "an update of the pod keeps the stored ones");
  }

  @Test
  void existingOnesStayAndNewOnesAreCheckedAsUpstreamChecksThem() {
    Pod old = pod(debugger("dbg"));
    EphemeralContainer changed = debugger("dbg");
    changed.setCommand(List.of("true"));
    assertEquals(List.of("spec.ephemeralContainers[0]: Forbidden: existing ephemeral containers \"dbg\" may not be "
        + "changed"), errors(pod(changed), old));
    assertEquals(List.of("spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be "
        + "removed"), errors(pod(), old));

    EphemeralContainer bad = new EphemeralContainerBuilder().withName("main").withImage("busybox")
        .withPorts(new ContainerPort(80, null, null, null, null)).withTargetContainerName("nope").build();
    List<String> found = errors(pod(debugger("dbg"), bad), old);
    assertTrue(found.contains("spec.ephemeralContainers[1].name: Duplicate value: \"main\""), found.toString());
    assertTrue(found.contains("spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral "
        + "Container"), found.toString());
    assertTrue(found.contains("spec.ephemeralContainers[1].targetContainerName: Not found: \"nope\""),
        found.toString());
  }

  @Test
  void aNotFoundCauseHasUpstreamsReason() {
    assertEquals("FieldValueNotFound", FieldError.notFound("f", "x").type().reason());
  }
}
