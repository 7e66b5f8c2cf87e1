package io.quarkube.apiserver.registry.events;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.registry.core.EventStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * events.k8s.io/v1 Events: core/v1's objects, stored as core v1 under {@code /registry/events/} (upstream's storage
 * version), read and written through {@link #STORAGE}. Validation is upstream's strict one for this API, on the
 * core form; field selectors are upstream's field label conversions for events.k8s.io/v1 ({@code regarding.*},
 * {@code reportingController}, {@code reason}, {@code source}, {@code type}).
 */
public final class EventsV1Strategy implements Strategy<Event> {
  /** events.k8s.io/v1 objects are stored as core/v1 Events. */
  public static final GenericStore.StorageConversion<Event> STORAGE = new GenericStore.StorageConversion<>() {
    @Override
    public Event fromStorage(byte[] stored) {
      return EventConversion.toV1(Json.read(stored, io.fabric8.kubernetes.api.model.Event.class));
    }

    @Override
    public HasMetadata toStorage(Event object) {
      return EventConversion.toCore(object);
    }
  };

  private static final Set<String> FIELDS = Set.of("regarding.kind", "regarding.namespace", "regarding.name",
      "regarding.uid", "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason",
      "reportingController", "source", "type");

  @Override
  public List<FieldError> validate(Event event) {
    return EventValidation.strictCreate(EventConversion.toCore(event));
  }

  @Override
  public List<FieldError> validateUpdate(Event event, Event old) {
    return EventValidation.strictUpdate(EventConversion.toCore(event), EventConversion.toCore(old));
  }

  @Override
  public Set<String> selectableFields() {
    return FIELDS;
  }

  @Override
  public Map<String, String> fieldValues(Event e) {
    Map<String, String> v = new HashMap<>();
    EventStrategy.putReference(v, "regarding", e.getRegarding());
    v.put("reason", Objects.toString(e.getReason(), ""));
    String controller = Objects.toString(e.getReportingController(), "");
    v.put("reportingController", controller);
    String source = e.getDeprecatedSource() == null ? "" : Objects.toString(e.getDeprecatedSource().getComponent(), "");
    v.put("source", source.isEmpty() ? controller : source);
    v.put("type", Objects.toString(e.getType(), ""));
    return v;
  }

  @Override
  public boolean resetsStatusOnCreate() {
    return false;
  }
}
