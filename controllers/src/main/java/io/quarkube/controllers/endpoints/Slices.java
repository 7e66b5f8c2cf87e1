package io.quarkube.controllers.endpoints;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ObjectWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writing a Service's EndpointSlices, for both slice controllers (the endpointslice and the mirroring one). */
final class Slices {
  private Slices() {}

  /** The slices indexed under {@code key}, by name (so reuse is stable from one sync to the next). */
  static List<EndpointSlice> existing(Indexer<EndpointSlice> slices, String index, String key) {
    List<EndpointSlice> existing = new ArrayList<>(slices.byIndex(index, key));
    existing.sort(Comparator.comparing(s -> s.getMetadata().getName()));
    return existing;
  }

  /**
   * Reuses the existing slices in order (updating those whose endpoints, ports or labels differ), creates what is
   * missing and deletes the surplus. A create refused because the namespace goes is dropped; so is a delete of a
   * slice already gone.
   */
  static void sync(ObjectWriter writer, List<EndpointSlice> existing, List<EndpointSlice> wanted) {
    for (int i = 0; i < wanted.size(); i++) {
      EndpointSlice w = wanted.get(i);
      if (i < existing.size()) {
        EndpointSlice have = existing.get(i);
        if (!sameJson(have.getEndpoints(), w.getEndpoints()) || !sameJson(have.getPorts(), w.getPorts())
            || !sameJson(have.getMetadata().getLabels(), w.getMetadata().getLabels())) {
          // The trigger time (EndpointSliceController's; mirrored slices have none) goes with the change, or goes.
          Map<String, String> annotations = new LinkedHashMap<>(have.getMetadata().getAnnotations() == null
              ? Map.of() : have.getMetadata().getAnnotations());
          String trigger = w.getMetadata().getAnnotations() == null ? null
              : w.getMetadata().getAnnotations().get(TriggerTimeTracker.ANNOTATION);
          if (trigger == null) {
            annotations.remove(TriggerTimeTracker.ANNOTATION);
          } else {
            annotations.put(TriggerTimeTracker.ANNOTATION, trigger);
          }
          writer.update(new EndpointSliceBuilder(have).editMetadata().withLabels(w.getMetadata().getLabels())
              .withAnnotations(annotations).endMetadata().withEndpoints(w.getEndpoints()).withPorts(w.getPorts())
              .build());
        }
      } else {
        try {
          writer.create(w);
        } catch (RuntimeException e) {
          if (!ApiErrors.isForbidden(e)) {
            throw e;
          }
        }
      }
    }
    for (int i = wanted.size(); i < existing.size(); i++) {
      try {
        writer.delete(existing.get(i), null);
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          throw e;
        }
      }
    }
  }

  /**
   * Equal as the API would store them: null and empty lists/maps are the same (comparing the objects directly would
   * see a difference, update, get the update back, and loop).
   */
  static boolean sameJson(Object a, Object b) {
    return normalized(a).equals(normalized(b));
  }

  private static String normalized(Object o) {
    if (o == null || o instanceof Collection<?> c && c.isEmpty() || o instanceof Map<?, ?> m && m.isEmpty()) {
      return "";
    }
    return Serialization.asJson(o);
  }
}
