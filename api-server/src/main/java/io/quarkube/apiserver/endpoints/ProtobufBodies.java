package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.proto.kube.KubeProtobuf;
import io.quarkube.proto.kube.KubeProtobufException;

/**
 * Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf}), which kubectl's typed clients
 * send for {@code kubectl create namespace|configmap|secret|deployment|...} with no fallback to JSON; decoded into
 * the same JSON the JSON path sees.
 */
public final class ProtobufBodies {
  public JsonNode decode(byte[] body) {
    try {
      return KubeProtobuf.decode(body);
    } catch (KubeProtobufException e) {
      switch (e.reason()) {
        case NOT_AN_ENVELOPE, UNSUPPORTED_ENCODING -> throw ApiException.unsupportedMediaType(
            MediaTypes.PROTOBUF + " (" + e.getMessage() + ")");
        default -> throw ApiException.badRequest("the body of the request could not be decoded as protobuf: "
            + e.getMessage());
      }
    }
  }
}
