package io.quarkube.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkube.apiserver.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownFieldsTest {
  @Test
  void findsAndDropsFieldsTheModelDoesNotHave() {
    ObjectNode body = (ObjectNode) Json.parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x","labels":{"a":"b"},"bogus":1},
         "spec":{"replicass":3,"replicas":2,"template":{"spec":{"containers":[{"name":"c","image":"i",
         "imagee":"typo","resources":{"limits":{"cpu":"1"}},"env":[{"name":"A","value":"1","vaule":"2"}]}]}}},
         "extra":true}""".getBytes(StandardCharsets.UTF_8));
    List<String> unknown = UnknownFields.prune(body, Deployment.class);
    assertEquals(List.of("metadata.bogus", "spec.replicass", "spec.template.spec.containers[0].imagee",
        "spec.template.spec.containers[0].env[0].vaule", "extra"), unknown);
    assertFalse(body.path("spec").has("replicass"));
    assertTrue(body.path("spec").has("replicas"));
    assertEquals("1", body.at("/spec/template/spec/containers/0/resources/limits/cpu").asText());
    assertEquals("b", body.at("/metadata/labels/a").asText());
  }
}
