package io.quarkube.apiserver.proxy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Picks the pod and container a streaming request names, with upstream's defaulting and messages. */
final class PodContainers {
  private PodContainers() {}

  static Pod pod(Registry registry, RequestInfo info) {
    if (info.namespace() == null || info.name() == null) {
      throw ApiException.badRequest("a pod name and namespace are required");
    }
    return (Pod) registry.store("", "v1", "pods").orElseThrow().get(info.namespace(), info.name());
  }

  /** The named container, or the only one; init and ephemeral containers count when named. */
  static String container(Pod pod, String requested) {
    List<Container> regular = pod.getSpec().getContainers();
    if (requested == null || requested.isEmpty()) {
      if (regular.size() == 1) {
        return regular.get(0).getName();
      }
      List<String> names = new ArrayList<>(regular.stream().map(Container::getName).toList());
      String msg = "a container name must be specified for pod " + pod.getMetadata().getName() + ", choose one of: "
          + names;
      List<String> init = pod.getSpec().getInitContainers() == null ? List.of()
          : pod.getSpec().getInitContainers().stream().map(Container::getName).toList();
      if (!init.isEmpty()) {
        msg += " or one of the init containers: " + init;
      }
      throw ApiException.badRequest(msg);
    }
    boolean known = Stream.concat(Stream.concat(regular.stream().map(Container::getName),
        pod.getSpec().getInitContainers() == null ? Stream.<String>empty()
            : pod.getSpec().getInitContainers().stream().map(Container::getName)),
        pod.getSpec().getEphemeralContainers() == null ? Stream.<String>empty()
            : pod.getSpec().getEphemeralContainers().stream().map(e -> e.getName()))
        .anyMatch(requested::equals);
    if (!known) {
      throw ApiException.badRequest("container " + requested + " is not valid for pod "
          + pod.getMetadata().getName());
    }
    return requested;
  }

  /** The node the pod runs on, or 400 while it has none. */
  static String node(Pod pod, String container) {
    String node = pod.getSpec().getNodeName();
    if (node == null || node.isEmpty()) {
      String reason = waitingReason(pod, container);
      throw ApiException.badRequest(reason != null
          ? "container \"" + container + "\" in pod \"" + pod.getMetadata().getName() + "\" is waiting to start: "
              + reason
          : "pod " + pod.getMetadata().getName() + " does not have a host assigned");
    }
    return node;
  }

  static String waitingReason(Pod pod, String container) {
    if (pod.getStatus() == null) {
      return null;
    }
    for (List<ContainerStatus> list : java.util.Arrays.asList(pod.getStatus().getContainerStatuses(),
        pod.getStatus().getInitContainerStatuses())) {
      if (list == null) {
        continue;
      }
      for (ContainerStatus s : list) {
        if (s.getName().equals(container) && s.getState() != null && s.getState().getWaiting() != null) {
          return s.getState().getWaiting().getReason();
        }
      }
    }
    return null;
  }

  static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
