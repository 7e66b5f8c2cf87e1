package io.quarkube.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.LabelSelectors;
import io.quarkube.controllers.support.Pods;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** What both endpoint controllers share: which pods back a Service, and which port a service port means per pod. */
final class ServicePods {
  private ServicePods() {}

  /** Only Services with a selector get endpoints from controllers; selector-less ones are managed by hand. */
  static boolean hasSelector(Service s) {
    return s.getSpec() != null && s.getSpec().getSelector() != null && !s.getSpec().getSelector().isEmpty();
  }

  /** The pods of the service's namespace its selector matches that have an IP and did not finish. */
  static List<Pod> backing(Service s, Indexer<Pod> pods) {
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods.byIndex("namespace", s.getMetadata().getNamespace())) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if (LabelSelectors.matches(s.getSpec().getSelector(), p.getMetadata().getLabels()) && podIp(p) != null
          && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
        out.add(p);
      }
    }
    out.sort(java.util.Comparator.comparing(p -> p.getMetadata().getName()));
    return out;
  }

  static String podIp(Pod p) {
    String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
    return ip == null || ip.isEmpty() ? null : ip;
  }

  /** Ready counts; a terminating pod is never ready (upstream: unless the Service publishes not-ready ones). */
  static boolean ready(Service s, Pod p) {
    if (Boolean.TRUE.equals(s.getSpec().getPublishNotReadyAddresses())) {
      return true;
    }
    return Pods.isReady(p) && p.getMetadata().getDeletionTimestamp() == null;
  }

  static boolean hasPorts(Service s) {
    return s.getSpec().getPorts() != null && !s.getSpec().getPorts().isEmpty();
  }

  /**
   * The service's ports that exist on this pod (see {@link #targetPort}), each made into the caller's port type
   * from the service port and the resolved container port; in the service's order.
   */
  static <P> List<P> portsOn(Service s, Pod pod, BiFunction<ServicePort, Integer, P> make) {
    List<P> out = new ArrayList<>();
    for (ServicePort sp : s.getSpec().getPorts() == null ? List.<ServicePort>of() : s.getSpec().getPorts()) {
      Integer port = targetPort(sp, pod);
      if (port != null) {
        out.add(make.apply(sp, port));
      }
    }
    return out;
  }

  /**
   * The container port a service port targets on this pod: a number as is, a name looked up among the pod's container
   * ports (same protocol); null when the pod has no such named port.
   */
  static Integer targetPort(ServicePort sp, Pod pod) {
    IntOrString target = sp.getTargetPort();
    if (target == null) {
      return sp.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    String name = target.getStrVal();
    if (name == null || name.isEmpty()) {
      return sp.getPort();
    }
    if (name.chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(name);
    }
    String protocol = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort cp : c.getPorts()) {
        String cpProtocol = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
        if (name.equals(cp.getName()) && protocol.equals(cpProtocol)) {
          return cp.getContainerPort();
        }
      }
    }
    return null;
  }

  /** Keys of the Services in the pod's namespace whose selector matches its labels (old or new). */
  static List<String> servicesOf(Indexer<Service> services, Pod pod, Map<String, String> otherLabels) {
    List<String> keys = new ArrayList<>();
    for (Service s : services.byIndex("namespace", pod.getMetadata().getNamespace())) {
      if (hasSelector(s) && (LabelSelectors.matches(s.getSpec().getSelector(), pod.getMetadata().getLabels())
          || otherLabels != null && LabelSelectors.matches(s.getSpec().getSelector(), otherLabels))) {
        keys.add(Keys.of(s));
      }
    }
    return keys;
  }
}
