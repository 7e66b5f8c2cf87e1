package io.quarkube.scheduler.framework;

import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.machinery.resources.ResourceNames;
import io.quarkube.scheduler.util.Quantities;
import java.util.HashMap;
import java.util.Map;

/**
 * Compute resources as numbers (upstream's framework.Resource): millicores, bytes, a pod count and scalar resources
 * (extended resources such as {@code example.com/gpu}, hugepages). Mutable; used inside NodeInfo and PodInfo.
 */
public final class Resource {
  public long milliCpu;
  public long memory;
  public long ephemeralStorage;
  public long allowedPodNumber;
  private Map<String, Long> scalars;

  public static Resource of(Map<String, Quantity> list) {
    Resource r = new Resource();
    r.add(list);
    return r;
  }

  public void add(Map<String, Quantity> list) {
    if (list == null) {
      return;
    }
    for (Map.Entry<String, Quantity> e : list.entrySet()) {
      switch (e.getKey()) {
        case "cpu" -> milliCpu += Quantities.milliValue(e.getValue());
        case "memory" -> memory += Quantities.value(e.getValue());
        case "ephemeral-storage" -> ephemeralStorage += Quantities.value(e.getValue());
        case "pods" -> allowedPodNumber += Quantities.value(e.getValue());
        default -> {
          if (isScalarResourceName(e.getKey())) {
            addScalar(e.getKey(), Quantities.value(e.getValue()));
          }
        }
      }
    }
  }

  public void add(Resource o) {
    milliCpu += o.milliCpu;
    memory += o.memory;
    ephemeralStorage += o.ephemeralStorage;
    allowedPodNumber += o.allowedPodNumber;
    if (o.scalars != null) {
      o.scalars.forEach(this::addScalar);
    }
  }

  public void subtract(Resource o) {
    milliCpu -= o.milliCpu;
    memory -= o.memory;
    ephemeralStorage -= o.ephemeralStorage;
    allowedPodNumber -= o.allowedPodNumber;
    if (o.scalars != null) {
      o.scalars.forEach((k, v) -> addScalar(k, -v));
    }
  }

  /** Each field becomes the larger of this and {@code o} (init containers run one at a time). */
  public void setMax(Resource o) {
    milliCpu = Math.max(milliCpu, o.milliCpu);
    memory = Math.max(memory, o.memory);
    ephemeralStorage = Math.max(ephemeralStorage, o.ephemeralStorage);
    allowedPodNumber = Math.max(allowedPodNumber, o.allowedPodNumber);
    if (o.scalars != null) {
      o.scalars.forEach((k, v) -> setScalar(k, Math.max(scalar(k), v)));
    }
  }

  public void addScalar(String name, long v) {
    setScalar(name, scalar(name) + v);
  }

  public void setScalar(String name, long v) {
    if (scalars == null) {
      scalars = new HashMap<>(4);
    }
    scalars.put(name, v);
  }

  public long scalar(String name) {
    if (scalars == null) {
      return 0;
    }
    Long v = scalars.get(name);
    return v == null ? 0 : v;
  }

  /** Whether any scalar resource is set (cheaper than iterating an empty {@link #scalars()}). */
  public boolean hasScalars() {
    return scalars != null && !scalars.isEmpty();
  }

  public Map<String, Long> scalars() {
    return scalars == null ? Map.of() : scalars;
  }

  /** The amount of one resource by its API name. */
  public long get(String name) {
    return switch (name) {
      case "cpu" -> milliCpu;
      case "memory" -> memory;
      case "ephemeral-storage" -> ephemeralStorage;
      case "pods" -> allowedPodNumber;
      default -> scalar(name);
    };
  }

  public boolean isZero() {
    if (milliCpu != 0 || memory != 0 || ephemeralStorage != 0) {
      return false;
    }
    if (scalars != null) {
      for (long v : scalars.values()) {
        if (v != 0) {
          return false;
        }
      }
    }
    return true;
  }

  public Resource copy() {
    Resource r = new Resource();
    r.milliCpu = milliCpu;
    r.memory = memory;
    r.ephemeralStorage = ephemeralStorage;
    r.allowedPodNumber = allowedPodNumber;
    if (scalars != null) {
      r.scalars = new HashMap<>(scalars);
    }
    return r;
  }

  /**
   * Extended resources (a domain-qualified name outside kubernetes.io, e.g. {@code example.com/gpu}), hugepages and
   * attachable volumes, as upstream's IsScalarResourceName.
   */
  public static boolean isScalarResourceName(String name) {
    if (ResourceNames.isHugePages(name) || name.startsWith("attachable-volumes-")) {
      return true;
    }
    return ResourceNames.isExtended(name);
  }

  @Override
  public String toString() {
    return "cpu=" + milliCpu + "m memory=" + memory + " ephemeral-storage=" + ephemeralStorage + " pods="
        + allowedPodNumber + (scalars == null ? "" : " " + scalars);
  }
}
