package io.quarkube.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.quarkube.client.controller.Keys;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code endpoints.kubernetes.io/last-change-trigger-time} annotation of Endpoints and EndpointSlices (upstream's
 * {@code TriggerTimeTracker}): when the change that this sync reflects happened, so that consumers can measure how
 * long it took to reach them. A pod's trigger time is its Ready condition's last transition, a Service's its
 * creation. Per Service it remembers what the previous sync saw and returns the earliest trigger time that changed
 * since (the Service's creation on the first sync of a Service), or null when none did. One tracker per controller:
 * each compares with its own previous sync. Keys are worked one at a time, so only the map needs to be concurrent.
 */
final class TriggerTimeTracker {
  static final String ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

  private record State(Map<String, Instant> podTimes, Instant serviceTime) {}

  private final Map<String, State> states = new ConcurrentHashMap<>();

  /** The trigger time of this sync of {@code svc} with {@code pods}, or null; records what it saw for the next one. */
  Instant compute(Service svc, List<Pod> pods) {
    String key = Keys.of(svc);
    State previous = states.get(key);
    Map<String, Instant> podTimes = new HashMap<>();
    Instant earliestChanged = null;
    for (Pod pod : pods) {
      Instant t = readySince(pod);
      if (t == null) {
        continue;
      }
      podTimes.put(pod.getMetadata().getName(), t);
      Instant before = previous == null ? null : previous.podTimes().get(pod.getMetadata().getName());
      if (before == null || t.isAfter(before)) {
        earliestChanged = earliest(earliestChanged, t);
      }
    }
    Instant serviceTime = parse(svc.getMetadata().getCreationTimestamp());
    if (serviceTime != null && (previous == null || previous.serviceTime() == null
        || serviceTime.isAfter(previous.serviceTime()))) {
      earliestChanged = earliest(earliestChanged, serviceTime);
    }
    states.put(key, new State(podTimes, serviceTime));
    return previous == null ? serviceTime : earliestChanged;
  }

  /** The Service went: a Service made again under its name starts afresh. */
  void forget(String serviceKey) {
    states.remove(serviceKey);
  }

  /** Go's {@code RFC3339Nano} in UTC, as upstream writes it: a fraction only when there is one, without trailing 0s. */
  static String format(Instant t) {
    String iso = t.toString(); // ISO_INSTANT: UTC, fractions in groups of three digits
    return iso.contains(".") ? iso.replaceAll("\\.?0+Z$", "Z") : iso;
  }

  /** Puts the annotation into {@code annotations} for {@code t}, or removes it when there is no trigger time. */
  static void apply(Map<String, String> annotations, Instant t) {
    if (t == null) {
      annotations.remove(ANNOTATION);
    } else {
      annotations.put(ANNOTATION, format(t));
    }
  }

  private static Instant readySince(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return parse(c.getLastTransitionTime());
      }
    }
    return null;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  private static Instant parse(String time) {
    if (time == null || time.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
