package io.quarkube.kubelet.server;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether an attach runs with a terminal: the container's own {@code tty}, whatever the request says (upstream's
 * kubelet GetAttach), since whether a process runs on a terminal cannot change after it started. kubectl asks for
 * tty=false when its stdin is no terminal; passed on to containerd for a tty container, that attach waited for a
 * stderr which a terminal never has, and never ended when the container exited.
 */
final class AttachTty {
  private AttachTty() {}

  static boolean of(Pod pod, String container) {
    var spec = pod.getSpec();
    List<Boolean> ttys = new ArrayList<>();
    if (spec.getContainers() != null) {
      spec.getContainers().stream().filter(c -> container.equals(c.getName())).forEach(c -> ttys.add(c.getTty()));
    }
    if (spec.getInitContainers() != null) {
      spec.getInitContainers().stream().filter(c -> container.equals(c.getName())).forEach(c -> ttys.add(c.getTty()));
    }
    if (spec.getEphemeralContainers() != null) {
      spec.getEphemeralContainers().stream().filter(c -> container.equals(c.getName()))
          .forEach(c -> ttys.add(c.getTty()));
    }
    return !ttys.isEmpty() && Boolean.TRUE.equals(ttys.get(0));
  }
}
