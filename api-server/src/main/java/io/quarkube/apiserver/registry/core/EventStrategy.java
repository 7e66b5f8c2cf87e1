package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.registry.events.EventValidation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * core/v1 Events: upstream's legacy validation (events written through core/v1 are not held to events.k8s.io/v1's
 * strict rules) and the field selectors {@code kubectl describe} uses to find an object's events.
 */
public final class EventStrategy implements Strategy<Event> {
  private static final Set<String> FIELDS = Set.of("involvedObject.kind", "involvedObject.namespace",
      "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
      "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type");

  @Override
  public Set<String> selectableFields() {
    return FIELDS;
  }

  @Override
  public Map<String, String> fieldValues(Event e) {
    Map<String, String> v = new HashMap<>();
    putReference(v, "involvedObject", e.getInvolvedObject());
    v.put("reason", Objects.toString(e.getReason(), ""));
    v.put("reportingComponent", Objects.toString(e.getReportingComponent(), ""));
    String source = e.getSource() == null ? "" : Objects.toString(e.getSource().getComponent(), "");
    // upstream: an event without a source is selected by its reporting controller
    v.put("source", source.isEmpty() ? Objects.toString(e.getReportingComponent(), "") : source);
    v.put("type", Objects.toString(e.getType(), ""));
    return v;
  }

  @Override
  public List<FieldError> validate(Event e) {
    return EventValidation.legacy(e);
  }

  @Override
  public boolean resetsStatusOnCreate() {
    return false;
  }

  /**
   * The selectable fields of an event's object reference under {@code prefix} ({@code involvedObject} here,
   * {@code regarding} for events.k8s.io/v1): absent ones select as "".
   */
  public static void putReference(Map<String, String> v, String prefix, ObjectReference reference) {
    ObjectReference o = reference == null ? new ObjectReference() : reference;
    v.put(prefix + ".kind", Objects.toString(o.getKind(), ""));
    v.put(prefix + ".namespace", Objects.toString(o.getNamespace(), ""));
    v.put(prefix + ".name", Objects.toString(o.getName(), ""));
    v.put(prefix + ".uid", Objects.toString(o.getUid(), ""));
    v.put(prefix + ".apiVersion", Objects.toString(o.getApiVersion(), ""));
    v.put(prefix + ".resourceVersion", Objects.toString(o.getResourceVersion(), ""));
    v.put(prefix + ".fieldPath", Objects.toString(o.getFieldPath(), ""));
  }
}
