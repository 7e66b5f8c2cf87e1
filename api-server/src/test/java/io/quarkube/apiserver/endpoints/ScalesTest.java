package io.quarkube.apiserver.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.apiserver.crd.ServedVersions;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScalesTest {
  @Test
  void builtInKindsScaleSpecReplicasWithTheirStructuredSelector() {
    ResourceDefinition deployments = ResourceCatalog.builtIn().find("apps", "v1", "deployments").orElseThrow();
    Deployment d = Serialization.unmarshal("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns"},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}}},"status":{"replicas":2}}""",
        Deployment.class);
    ObjectNode scale = Scales.toScale(deployments, d);
    assertEquals(3, scale.at("/spec/replicas").asInt());
    assertEquals(2, scale.at("/status/replicas").asInt());
    assertEquals("app=web", scale.at("/status/selector").asText());
  }

  @Test
  void customResourcesScaleTheCrdsPaths() {
    ResourceDefinition widgets = new ResourceDefinition("e.example.com", "v1", "widgets", "widget", "Widget", true,
        List.of(), List.of(), Set.of("scale"), GenericKubernetesResource.class, "e.example.com/widgets",
        ResourceDefinition.VERBS);
    ServedVersions.register(widgets, Serialization.unmarshal("""
        name: v1
        subresources:
          scale: {specReplicasPath: .spec.size.wanted, statusReplicasPath: .status.count,
                  labelSelectorPath: .status.selector}
        """, CustomResourceDefinitionVersion.class));
    GenericKubernetesResource w = Serialization.unmarshal("""
        {"apiVersion":"e.example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"ns"},
         "spec":{"replicas":99,"size":{"wanted":4}},"status":{"count":1,"selector":"app=w"}}""",
        GenericKubernetesResource.class);
    ObjectNode scale = Scales.toScale(widgets, w);
    assertEquals(4, scale.at("/spec/replicas").asInt());
    assertEquals(1, scale.at("/status/replicas").asInt());
    assertEquals("app=w", scale.at("/status/selector").asText());

    ObjectNode tree = Json.tree(w);
    ScalePaths.set(tree, ScalePaths.of(widgets).specReplicas(), 6);
    assertEquals(6, tree.at("/spec/size/wanted").asInt());
    assertEquals(99, tree.at("/spec/replicas").asInt(), "spec.replicas is just another field here");

    ObjectNode empty = Json.MAPPER.createObjectNode();
    ScalePaths.set(empty, ScalePaths.parse(".spec.size.wanted"), 2);
    assertEquals("{\"spec\":{\"size\":{\"wanted\":2}}}", empty.toString());
    assertFalse(Scales.toScale(widgets, Json.convert(Json.MAPPER.createObjectNode().put("kind", "Widget"),
        GenericKubernetesResource.class)).path("status").has("selector"));
  }
}
