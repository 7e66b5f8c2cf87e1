package io.quarkube.apiserver.registry.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.validation.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Upstream's event validation ({@code pkg/apis/core/validation/events.go}), on the core form of an event: every event
 * passes the legacy rules; one written through events.k8s.io/v1 also the strict ones (eventTime, a Normal or Warning
 * type, none of the deprecated fields on create, a valid series, and on update nothing but the series and metadata
 * changed). Paths are the core fields', as upstream reports them.
 */
public final class EventValidation {
  static final int REPORTING_INSTANCE_LENGTH_LIMIT = 128;
  static final int ACTION_LENGTH_LIMIT = 128;
  static final int REASON_LENGTH_LIMIT = 128;
  static final int NOTE_LENGTH_LIMIT = 1024;

  private EventValidation() {}

  /** What core/v1 requires of every event (upstream's legacyValidateEvent). */
  public static List<FieldError> legacy(Event e) {
    List<FieldError> errors = new ArrayList<>();
    String ns = Objects.toString(e.getMetadata() == null ? null : e.getMetadata().getNamespace(), "");
    ObjectReference involved = e.getInvolvedObject() == null ? new ObjectReference() : e.getInvolvedObject();
    String involvedNs = Objects.toString(involved.getNamespace(), "");
    if (!hasTime(e.getEventTime() == null ? null : e.getEventTime().getTime())) {
      // old-style event: its namespace is its object's ("" or "default" for cluster-scoped objects)
      if (involvedNs.isEmpty() ? !ns.isEmpty() && !ns.equals("default") : !ns.equals(involvedNs)) {
        errors.add(FieldError.invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
      }
    } else {
      if (involvedNs.isEmpty() && !ns.equals("default") && !ns.equals("kube-system")) {
        errors.add(FieldError.invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
      }
      String controller = Objects.toString(e.getReportingComponent(), "");
      if (controller.isEmpty()) {
        errors.add(FieldError.required("reportingController", ""));
      } else if (!Validation.isQualifiedName(controller)) {
        errors.add(FieldError.invalid("reportingController", controller, Validation.QUALIFIED_NAME_MESSAGE));
      }
      String instance = Objects.toString(e.getReportingInstance(), "");
      if (instance.isEmpty()) {
        errors.add(FieldError.required("reportingInstance", ""));
      }
      if (instance.length() > REPORTING_INSTANCE_LENGTH_LIMIT) {
        errors.add(FieldError.invalid("reportingInstance", "",
            "can have at most " + REPORTING_INSTANCE_LENGTH_LIMIT + " characters"));
      }
      String action = Objects.toString(e.getAction(), "");
      if (action.isEmpty()) {
        errors.add(FieldError.required("action", ""));
      }
      if (action.length() > ACTION_LENGTH_LIMIT) {
        errors.add(FieldError.invalid("action", "", "can have at most " + ACTION_LENGTH_LIMIT + " characters"));
      }
      String reason = Objects.toString(e.getReason(), "");
      if (reason.isEmpty()) {
        errors.add(FieldError.required("reason", ""));
      }
      if (reason.length() > REASON_LENGTH_LIMIT) {
        errors.add(FieldError.invalid("reason", "", "can have at most " + REASON_LENGTH_LIMIT + " characters"));
      }
      if (Objects.toString(e.getMessage(), "").length() > NOTE_LENGTH_LIMIT) {
        errors.add(FieldError.invalid("message", "", "can have at most " + NOTE_LENGTH_LIMIT + " characters"));
      }
    }
    return errors;
  }

  /** Creating through events.k8s.io/v1 (upstream's ValidateEventCreate for v1 and later). */
  public static List<FieldError> strictCreate(Event e) {
    List<FieldError> errors = legacy(e);
    errors.addAll(series(e));
    if (!hasTime(e.getEventTime() == null ? null : e.getEventTime().getTime())) {
      errors.add(FieldError.required("eventTime", ""));
    }
    if (!"Normal".equals(e.getType()) && !"Warning".equals(e.getType())) {
      errors.add(FieldError.invalid("type", "", "has invalid value: " + Objects.toString(e.getType(), "")));
    }
    if (hasTime(e.getFirstTimestamp())) {
      errors.add(FieldError.invalid("firstTimestamp", "", "needs to be unset"));
    }
    if (hasTime(e.getLastTimestamp())) {
      errors.add(FieldError.invalid("lastTimestamp", "", "needs to be unset"));
    }
    if (e.getCount() != null && e.getCount() != 0) {
      errors.add(FieldError.invalid("count", "", "needs to be unset"));
    }
    if (e.getSource() != null && (!Objects.toString(e.getSource().getComponent(), "").isEmpty()
        || !Objects.toString(e.getSource().getHost(), "").isEmpty())) {
      errors.add(FieldError.invalid("source", "", "needs to be unset"));
    }
    return errors;
  }

  /** Updating through events.k8s.io/v1 (upstream's ValidateEventUpdate for v1 and later). */
  public static List<FieldError> strictUpdate(Event e, Event old) {
    List<FieldError> errors = legacy(e);
    JsonNode now = Json.tree(e);
    JsonNode was = Json.tree(old);
    if (!now.path("series").equals(was.path("series"))) {
      errors.addAll(series(e));
    }
    for (String field : List.of("involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp",
        "count", "type", "eventTime", "action", "related", "reportingComponent", "reportingInstance")) {
      if (!normalized(now.path(field)).equals(normalized(was.path(field)))) {
        String path = field.equals("reportingComponent") ? "reportingController" : field;
        errors.add(FieldError.invalid(path, now.path(field).isValueNode() ? now.path(field).asText() : now.path(field),
            "field is immutable"));
      }
    }
    return errors;
  }

  private static List<FieldError> series(Event e) {
    List<FieldError> errors = new ArrayList<>();
    if (e.getSeries() != null) {
      if (e.getSeries().getCount() == null || e.getSeries().getCount() < 2) {
        errors.add(FieldError.invalid("series.count", "", "should be at least 2"));
      }
      if (e.getSeries().getLastObservedTime() == null
          || !hasTime(e.getSeries().getLastObservedTime().getTime())) {
        errors.add(FieldError.required("series.lastObservedTime", ""));
      }
    }
    return errors;
  }

  /** Unset, empty and zero values are one value (upstream compares Go zero values). */
  private static JsonNode normalized(JsonNode n) {
    if (n.isMissingNode() || n.isNull() || (n.isTextual() && n.asText().isEmpty()) || (n.isNumber() && n.asLong() == 0)
        || (n.isObject() && n.isEmpty())) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    return n;
  }

  private static boolean hasTime(String t) {
    return t != null && !t.isEmpty();
  }
}
