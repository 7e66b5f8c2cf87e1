package io.quarkube.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Where a container sits in its pod's spec, as upstream's kubelet names it in its events' {@code
 * involvedObject.fieldPath} (kubectl's SUBOBJECT column): {@code spec.containers{web}},
 * {@code spec.initContainers{setup}} (sidecars too), {@code spec.ephemeralContainers{debugger}}.
 */
public final class ContainerFieldPaths {
  private ContainerFieldPaths() {}

  /** For a container of the given kind as the pod syncer names them: regular, init, sidecar or ephemeral. */
  public static String of(String kind, String name) {
    String list = switch (kind) {
      case "init", "sidecar" -> "initContainers";
      case "ephemeral" -> "ephemeralContainers";
      default -> "containers";
    };
    return "spec." + list + "{" + name + "}";
  }

  /** For a container named in the pod's spec; the regular containers' path when the spec does not list it. */
  public static String of(Pod pod, String name) {
    if (pod != null && pod.getSpec() != null) {
      if (named(pod.getSpec().getInitContainers(), name)) {
        return of("init", name);
      }
      List<EphemeralContainer> ephemeral = pod.getSpec().getEphemeralContainers();
      if (ephemeral != null && ephemeral.stream().anyMatch(e -> name.equals(e.getName()))) {
        return of("ephemeral", name);
      }
    }
    return of("regular", name);
  }

  private static boolean named(List<Container> containers, String name) {
    return containers != null && containers.stream().anyMatch(c -> name.equals(c.getName()));
  }
}
