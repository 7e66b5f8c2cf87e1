package io.quarkube.kubelet.cgroups;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A pod's QoS class, by upstream's rules (pkg/apis/core/helper/qos). */
public enum QosClass {
  GUARANTEED("Guaranteed"),
  BURSTABLE("Burstable"),
  BEST_EFFORT("BestEffort");

  private final String apiName;

  QosClass(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** The cgroup folder under kubepods: Guaranteed pods sit directly in it. */
  public String cgroupSegment() {
    return switch (this) {
      case GUARANTEED -> "";
      case BURSTABLE -> "burstable";
      case BEST_EFFORT -> "besteffort";
    };
  }

  public static QosClass of(Pod pod) {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    all.addAll(pod.getSpec().getContainers());
    boolean anySet = false;
    boolean guaranteed = true;
    for (Container c : all) {
      Map<String, Quantity> requests = c.getResources() == null ? null : c.getResources().getRequests();
      Map<String, Quantity> limits = c.getResources() == null ? null : c.getResources().getLimits();
      for (String resource : List.of("cpu", "memory")) {
        Quantity request = requests == null ? null : requests.get(resource);
        Quantity limit = limits == null ? null : limits.get(resource);
        if (isPositive(request) || isPositive(limit)) {
          anySet = true;
        }
        if (!isPositive(limit)) {
          guaranteed = false;
        } else if (request != null && request.getNumericalAmount().compareTo(limit.getNumericalAmount()) != 0) {
          guaranteed = false;
        }
      }
    }
    if (!anySet) {
      return BEST_EFFORT;
    }
    return guaranteed ? GUARANTEED : BURSTABLE;
  }

  private static boolean isPositive(Quantity q) {
    return q != null && q.getNumericalAmount().signum() > 0;
  }
}
