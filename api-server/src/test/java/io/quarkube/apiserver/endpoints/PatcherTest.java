package io.quarkube.apiserver.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import org.junit.jupiter.api.Test;

class PatcherTest {
  @Test
  void aStrategicPatchOfAKindWithoutPatchStrategiesGetsUpstreamsAnswer() {
    ObjectNode widget = (ObjectNode) Json.parse("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\"}".getBytes());
    ApiException e = assertThrows(ApiException.class, () -> new Patcher().apply(widget,
        Json.parse("{\"spec\":{}}".getBytes()), MediaTypes.STRATEGIC_MERGE_PATCH, null));
    assertEquals(415, e.code());
    assertEquals("UnsupportedMediaType", e.reason());
    assertEquals("the body of the request was in an unknown format - accepted media types include: "
        + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", e.getMessage());
  }
}
