package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.resource.ResourceDefinition;

/** Applies a PATCH body of one of the API's patch types to the current object. */
public final class Patcher {
  public ObjectNode apply(ObjectNode current, JsonNode patch, String contentType, ResourceDefinition def) {
    throw ApiException.unsupportedMediaType(contentType);
  }
}
