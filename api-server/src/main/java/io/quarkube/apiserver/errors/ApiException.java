package io.quarkube.apiserver.errors;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import java.util.List;

/**
 * A failed API request, carrying the {@code metav1.Status} that goes back to the client. The static factories mirror
 * upstream's {@code k8s.io/apimachinery/pkg/api/errors} so that kubectl prints the same messages as against a real
 * cluster ("Error from server (NotFound): pods "x" not found").
 */
public final class ApiException extends RuntimeException {
  private final transient Status status;

  public ApiException(Status status) {
    super(status.getMessage());
    this.status = status;
  }

  public Status status() {
    return status;
  }

  public int code() {
    return status.getCode();
  }

  public String reason() {
    return status.getReason();
  }

  private static ApiException of(int code, String reason, String message, String group, String kind, String name,
      List<StatusCause> causes, Integer retryAfter) {
    StatusDetailsBuilder details = new StatusDetailsBuilder();
    boolean hasDetails = false;
    if (name != null) {
      details.withName(name);
      hasDetails = true;
    }
    if (group != null && !group.isEmpty()) {
      details.withGroup(group);
      hasDetails = true;
    }
    if (kind != null) {
      details.withKind(kind);
      hasDetails = true;
    }
    if (causes != null && !causes.isEmpty()) {
      details.withCauses(causes);
      hasDetails = true;
    }
    if (retryAfter != null && retryAfter > 0) { // as upstream: no suggestion is no field (and no Retry-After)
      details.withRetryAfterSeconds(retryAfter);
      hasDetails = true;
    }
    StatusBuilder b = new StatusBuilder().withNewMetadata().endMetadata().withStatus("Failure").withMessage(message)
        .withReason(reason).withCode(code);
    if (hasDetails) {
      b.withDetails(details.build());
    }
    return new ApiException(b.build());
  }

  /** A Status with the given code, reason and message, for errors that come from shared libraries. */
  public static ApiException of(int code, String reason, String message) {
    return of(code, reason, message, null, null, null, null, null);
  }

  /** kind is the resource's plural in upstream's messages ("pods "x" not found"). */
  public static ApiException notFound(String group, String resource, String name) {
    return of(404, "NotFound", qualified(group, resource) + " \"" + name + "\" not found", group, resource, name,
        null, null);
  }

  public static ApiException notFoundPath(String path) {
    return of(404, "NotFound", "the server could not find the requested resource", null, null, null, null, null);
  }

  public static ApiException alreadyExists(String group, String resource, String name) {
    return of(409, "AlreadyExists", qualified(group, resource) + " \"" + name + "\" already exists", group, resource,
        name, null, null);
  }

  public static ApiException conflict(String group, String resource, String name, String why) {
    return of(409, "Conflict", "Operation cannot be fulfilled on " + qualified(group, resource) + " \"" + name
        + "\": " + why, group, resource, name, null, null);
  }

  /** Upstream's 409 for a write whose resourceVersion is not the stored one. */
  public static ApiException modified(String group, String resource, String name) {
    return conflict(group, resource, name,
        "the object has been modified; please apply your changes to the latest version and try again");
  }

  public static ApiException badRequest(String message) {
    return of(400, "BadRequest", message, null, null, null, null, null);
  }

  public static ApiException methodNotSupported(String group, String resource, String verb) {
    return of(405, "MethodNotAllowed", verb + " is not supported on resources of kind \"" + qualified(group, resource)
        + "\"", group, resource, null, null, null);
  }

  public static ApiException gone(String message) {
    return of(410, "Expired", message, null, null, null, null, null);
  }

  /**
   * 410 Expired carrying a continue token in the Status' list metadata (upstream's answer to a continue token whose
   * revision was compacted: the client may go on with the token, inconsistently).
   */
  public static ApiException goneWithContinue(String message, String continueToken) {
    ApiException e = gone(message);
    e.status.getMetadata().setContinue(continueToken);
    return e;
  }

  public static ApiException tooLarge(String message) {
    return of(413, "RequestEntityTooLarge", message, null, null, null, null, null);
  }

  public static ApiException unsupportedMediaType(String contentType) {
    return of(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types "
        + "include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got " + contentType + ")",
        null, null, null, null, null);
  }

  /** A PATCH body of a type the resource does not take, worded as upstream's negotiation error. */
  public static ApiException unsupportedPatchType(List<String> accepted) {
    return of(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types "
        + "include: " + String.join(", ", accepted), null, null, null, null, null);
  }

  public static ApiException notAcceptable(String accept) {
    return of(406, "NotAcceptable", "the server was unable to respond with a content type that the client supports"
        + " (requested " + accept + ")", null, null, null, null, null);
  }

  public static ApiException invalid(String group, String kind, String name, List<FieldError> errors) {
    List<StatusCause> causes = errors.stream()
        .map(e -> new StatusCauseBuilder().withReason(e.type().reason()).withMessage(e.causeMessage())
            .withField(e.field()).build())
        .toList();
    String joined = errors.stream().map(FieldError::toString).reduce((a, b) -> a + ", " + b).orElse("");
    // Upstream's NewInvalid names the group kind: Deployment.apps "x" is invalid (kubectl prints its own line).
    String qualifiedKind = group == null || group.isEmpty() ? kind : kind + "." + group;
    String message = qualifiedKind + " \"" + name + "\" is invalid: "
        + (errors.size() == 1 ? joined : "[" + joined + "]");
    return of(422, "Invalid", message, group, kind, name, causes, null);
  }

  public static ApiException forbidden(String message) {
    return of(403, "Forbidden", message, null, null, null, null, null);
  }

  /** 403 naming the object and why, with causes a client can act on (a namespace being terminated). */
  public static ApiException forbidden(String group, String kind, String name, String message,
      List<StatusCause> causes) {
    return of(403, "Forbidden", message, group, kind, name, causes, null);
  }

  /** 429 with a retry hint and causes (the eviction API: a PodDisruptionBudget allows no disruption now). */
  public static ApiException tooManyRequests(String message, List<StatusCause> causes, int retryAfterSeconds) {
    return of(429, "TooManyRequests", message, null, null, null, causes, retryAfterSeconds);
  }

  public static ApiException unauthorized() {
    return of(401, "Unauthorized", "Unauthorized", null, null, null, null, null);
  }

  public static ApiException internal(String message) {
    return of(500, "InternalError", "Internal error occurred: " + message, null, null, null, null, null);
  }

  public static ApiException serviceUnavailable(String message) {
    return of(503, "ServiceUnavailable", message, null, null, null, null, 1);
  }

  public static ApiException timeout(String message) {
    return of(504, "Timeout", message, null, null, null, null, null);
  }

  private static String qualified(String group, String resource) {
    return group == null || group.isEmpty() ? resource : resource + "." + group;
  }
}
