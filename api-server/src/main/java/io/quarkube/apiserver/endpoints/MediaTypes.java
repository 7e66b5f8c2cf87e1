package io.quarkube.apiserver.endpoints;

import java.util.Locale;

/** Content negotiation of the Kubernetes API: which form a response takes, and how a request body is encoded. */
public final class MediaTypes {
  public static final String JSON = "application/json";
  public static final String YAML = "application/yaml";
  public static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
  public static final String JSON_PATCH = "application/json-patch+json";
  public static final String MERGE_PATCH = "application/merge-patch+json";
  public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  public static final String APPLY_PATCH = "application/apply-patch+yaml";

  private MediaTypes() {}

  /** The forms an answer can take. */
  public enum Output {
    JSON,
    YAML,
    TABLE,
    PARTIAL_METADATA,
    /** Kubernetes' protobuf envelope; kinds without a message type are answered in JSON, as upstream does for CRs. */
    PROTOBUF
  }

  /**
   * Picks the first acceptable form in the client's order: kubectl get asks for {@code as=Table} first and JSON as a
   * fallback; typed clients ask for protobuf first and JSON second.
   */
  public static Output output(String accept) {
    if (accept == null || accept.isBlank()) {
      return Output.JSON;
    }
    for (String part : accept.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      String type = p.split(";")[0].trim();
      if (p.contains("as=table") && (type.equals(JSON) || type.equals(PROTOBUF))) {
        if (type.equals(JSON)) {
          return Output.TABLE;
        }
        continue;
      }
      if (p.contains("as=partialobjectmetadata")) {
        if (type.equals(JSON)) {
          return Output.PARTIAL_METADATA;
        }
        continue;
      }
      if (type.equals(JSON) || type.equals("*/*") || type.equals("application/*")) {
        return Output.JSON;
      }
      if (type.equals(YAML)) {
        return Output.YAML;
      }
      if (type.equals(PROTOBUF) && !p.contains("stream=")) {
        return Output.PROTOBUF;
      }
    }
    return Output.JSON;
  }

  /**
   * The form of an answer that has no Table or PartialObjectMetadata form (a review, a token request): the first
   * plain JSON or YAML the client accepts; empty when it accepts only the forms this answer lacks, which upstream
   * answers with 406 (its conformance test: a Table-only Accept on a SelfSubjectAccessReview).
   */
  public static java.util.Optional<Output> plainOutput(String accept) {
    if (accept == null || accept.isBlank()) {
      return java.util.Optional.of(Output.JSON);
    }
    for (String part : accept.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      String type = p.split(";")[0].trim();
      if (p.contains("as=")) {
        continue;
      }
      if (type.equals(JSON) || type.equals("*/*") || type.equals("application/*") || type.equals(PROTOBUF)) {
        return java.util.Optional.of(Output.JSON);
      }
      if (type.equals(YAML)) {
        return java.util.Optional.of(Output.YAML);
      }
    }
    return java.util.Optional.empty();
  }

  /** The media type without parameters, lower case; JSON when absent. */
  public static String contentType(String header) {
    if (header == null || header.isBlank()) {
      return JSON;
    }
    return header.split(";")[0].trim().toLowerCase(Locale.ROOT);
  }
}
