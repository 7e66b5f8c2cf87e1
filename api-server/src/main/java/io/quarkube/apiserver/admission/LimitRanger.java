package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.machinery.quota.Quantities;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Upstream's LimitRanger: the namespace's LimitRanges give containers their default limits and requests, and
 * refuse containers, pods and claims outside min/max or above the allowed limit/request ratio.
 */
public final class LimitRanger implements AdmissionPlugin {
  private final Registry registry;

  private final CachedReads limitRanges;

  public LimitRanger(Registry registry, CachedReads limitRanges) {
    this.limitRanges = limitRanges;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "LimitRanger";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (r.operation() != AdmissionRequest.Operation.CREATE || r.subresource() != null || r.object() == null
        || r.namespace() == null) {
      return;
    }
    boolean pod = AdmissionErrors.is(r, "", "pods");
    boolean claim = AdmissionErrors.is(r, "", "persistentvolumeclaims");
    if (!pod && !claim) {
      return;
    }
    List<LimitRange> ranges = new ArrayList<>();
    for (HasMetadata o : limitRanges.list(r.namespace())) {
      ranges.add((LimitRange) o);
    }
    if (ranges.isEmpty()) {
      return;
    }
    List<String> errors = new ArrayList<>();
    for (LimitRange lr : ranges) {
      for (LimitRangeItem item : lr.getSpec() == null || lr.getSpec().getLimits() == null ? List.<LimitRangeItem>of()
          : lr.getSpec().getLimits()) {
        if (pod) {
          admitPod((Pod) r.object(), item, errors);
        } else if ("PersistentVolumeClaim".equals(item.getType())) {
          admitClaim((PersistentVolumeClaim) r.object(), item, errors);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw AdmissionErrors.forbidden(r, AdmissionErrors.aggregate(errors));
    }
  }

  private static void admitPod(Pod pod, LimitRangeItem item, List<String> errors) {
    if (pod.getSpec() == null) {
      return;
    }
    List<Container> containers = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      containers.addAll(pod.getSpec().getInitContainers());
    }
    int initCount = containers.size();
    if (pod.getSpec().getContainers() != null) {
      containers.addAll(pod.getSpec().getContainers());
    }
    if ("Container".equals(item.getType())) {
      List<String> notes = new ArrayList<>();
      Map<String, Quantity> defaults = new LinkedHashMap<>(nn(item.getDefault()));
      nn(item.getMax()).forEach(defaults::putIfAbsent);
      Map<String, Quantity> defaultRequests = new LinkedHashMap<>(nn(item.getDefaultRequest()));
      defaults.forEach(defaultRequests::putIfAbsent);
      nn(item.getMin()).forEach(defaultRequests::putIfAbsent);
      for (int i = 0; i < containers.size(); i++) {
        Container c = containers.get(i);
        ResourceRequirements res = c.getResources() == null ? new ResourceRequirements() : c.getResources();
        Map<String, Quantity> limits = new LinkedHashMap<>(nn(res.getLimits()));
        Map<String, Quantity> requests = new LinkedHashMap<>(nn(res.getRequests()));
        java.util.Set<String> requestsBefore = new java.util.HashSet<>(requests.keySet());
        java.util.Set<String> limitsBefore = new java.util.HashSet<>(limits.keySet());
        defaults.forEach(limits::putIfAbsent);
        defaultRequests.forEach((k, v) -> {
          // A request defaulted above an explicit limit would be invalid: the limit wins, as upstream.
          if (!requests.containsKey(k)) {
            requests.put(k, limits.containsKey(k) && res.getLimits() != null && res.getLimits().containsKey(k)
                && Quantities.value(limits.get(k)).compareTo(Quantities.value(v)) < 0 ? limits.get(k) : v);
          }
        });
        res.setLimits(limits.isEmpty() ? null : limits);
        res.setRequests(requests.isEmpty() ? null : requests);
        c.setResources(res);
        check("Container", item, requests, limits, errors);
        String where = (i < initCount ? "init container " : "container ") + c.getName();
        List<String> setRequests = requests.keySet().stream().filter(k -> !requestsBefore.contains(k)).sorted()
            .toList();
        List<String> setLimits = limits.keySet().stream().filter(k -> !limitsBefore.contains(k)).sorted().toList();
        if (!setRequests.isEmpty()) {
          notes.add(String.join(", ", setRequests) + " request for " + where);
        }
        if (!setLimits.isEmpty()) {
          notes.add(String.join(", ", setLimits) + " limit for " + where);
        }
      }
      if (!notes.isEmpty()) {
        // What upstream's LimitRanger records on the pod so users can tell defaulted resources from their own.
        if (pod.getMetadata().getAnnotations() == null) {
          pod.getMetadata().setAnnotations(new LinkedHashMap<>());
        }
        pod.getMetadata().getAnnotations().put("kubernetes.io/limit-ranger", "LimitRanger plugin set: "
            + String.join("; ", notes));
      }
    } else if ("Pod".equals(item.getType())) {
      Map<String, Quantity> requests = sum(containers, true);
      Map<String, Quantity> limits = sum(containers, false);
      check("Pod", item, requests, limits, errors);
    }
  }

  private static void admitClaim(PersistentVolumeClaim pvc, LimitRangeItem item, List<String> errors) {
    if (pvc.getSpec() == null || pvc.getSpec().getResources() == null) {
      return;
    }
    Map<String, Quantity> requests = nn(pvc.getSpec().getResources().getRequests());
    Map<String, Quantity> limits = nn(pvc.getSpec().getResources().getLimits());
    check("PersistentVolumeClaim", item, requests, limits, errors);
  }

  private static void check(String kind, LimitRangeItem item, Map<String, Quantity> requests,
      Map<String, Quantity> limits, List<String> errors) {
    for (var e : new TreeMap<>(nn(item.getMin())).entrySet()) {
      String res = e.getKey();
      BigDecimal min = Quantities.value(e.getValue());
      if (!requests.containsKey(res)) {
        errors.add("minimum " + res + " usage per " + kind + " is " + e.getValue() + ".  No request is specified");
      } else if (Quantities.value(requests.get(res)).compareTo(min) < 0) {
        errors.add("minimum " + res + " usage per " + kind + " is " + e.getValue() + ", but request is "
            + requests.get(res));
      }
    }
    for (var e : new TreeMap<>(nn(item.getMax())).entrySet()) {
      String res = e.getKey();
      BigDecimal max = Quantities.value(e.getValue());
      if (!limits.containsKey(res)) {
        errors.add("maximum " + res + " usage per " + kind + " is " + e.getValue() + ".  No limit is specified");
      } else if (Quantities.value(limits.get(res)).compareTo(max) > 0) {
        errors.add("maximum " + res + " usage per " + kind + " is " + e.getValue() + ", but limit is "
            + limits.get(res));
      }
    }
    for (var e : new TreeMap<>(nn(item.getMaxLimitRequestRatio())).entrySet()) {
      String res = e.getKey();
      if (!requests.containsKey(res) || !limits.containsKey(res)) {
        continue;
      }
      BigDecimal req = Quantities.value(requests.get(res));
      if (req.signum() == 0) {
        continue;
      }
      BigDecimal ratio = Quantities.value(limits.get(res)).divide(req, 6, RoundingMode.HALF_UP);
      if (ratio.compareTo(Quantities.value(e.getValue())) > 0) {
        errors.add(res + " max limit to request ratio per " + kind + " is " + e.getValue() + ", but provided ratio is "
            + ratio.setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString());
      }
    }
  }

  private static Map<String, Quantity> sum(List<Container> containers, boolean requests) {
    Map<String, BigDecimal> total = new LinkedHashMap<>();
    for (Container c : containers) {
      if (c.getResources() == null) {
        continue;
      }
      nn(requests ? c.getResources().getRequests() : c.getResources().getLimits())
          .forEach((k, v) -> total.merge(k, Quantities.value(v), BigDecimal::add));
    }
    Map<String, Quantity> out = new LinkedHashMap<>();
    total.forEach((k, v) -> out.put(k, new Quantity(Quantities.format(k, v))));
    return out;
  }

  private static Map<String, Quantity> nn(Map<String, Quantity> m) {
    return m == null ? Map.of() : m;
  }
}
