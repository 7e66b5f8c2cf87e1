package io.quarkube.apiserver.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.apiserver.json.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeGraphTest {
  private static final Pod POD = Json.read("""
      {"metadata":{"name":"p","namespace":"ns","uid":"u-1","labels":{"a":"b"},
        "managedFields":[{"manager":"m","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{}}}]},
       "spec":{"nodeName":"node-1","serviceAccountName":"robot","imagePullSecrets":[{"name":"pull"}],
        "volumes":[{"name":"s","secret":{"secretName":"vol-secret"}},{"name":"c","configMap":{"name":"vol-cm"}},
         {"name":"claim","persistentVolumeClaim":{"claimName":"data"}},{"name":"scratch","ephemeral":{}},
         {"name":"proj","projected":{"sources":[{"secret":{"name":"proj-secret"}},{"configMap":{"name":"proj-cm"}}]}}],
        "containers":[{"name":"c","image":"busybox","command":["sleep","1"],
          "env":[{"name":"LIT","value":"literal"},
                 {"name":"S","valueFrom":{"secretKeyRef":{"name":"env-secret","key":"k"}}}],
          "envFrom":[{"configMapRef":{"name":"envfrom-cm"}}]}],
        "initContainers":[{"name":"i","image":"busybox",
          "env":[{"name":"C","valueFrom":{"configMapKeyRef":{"name":"init-cm","key":"k"}}}]}],
        "ephemeralContainers":[{"name":"e","image":"busybox","envFrom":[{"secretRef":{"name":"debug-secret"}}]}]},
       "status":{"phase":"Running","podIP":"10.0.0.1"}}""".getBytes(), Pod.class);

  @Test
  void aVertexNamesWhatThePodNames() {
    Pod vertex = NodeGraph.vertex(POD);
    assertEquals(Set.of("pull", "vol-secret", "proj-secret", "env-secret", "debug-secret"),
        PodReferences.secrets(vertex));
    assertEquals(PodReferences.secrets(POD), PodReferences.secrets(vertex));
    assertEquals(PodReferences.configMaps(POD), PodReferences.configMaps(vertex));
    assertEquals(Set.of("data", "p-scratch"), PodReferences.claims(vertex));
    assertEquals("robot", PodReferences.serviceAccount(vertex));
    assertEquals("node-1", vertex.getSpec().getNodeName());
    assertEquals("ns", vertex.getMetadata().getNamespace());
  }

  @Test
  void aVertexLeavesTheRestBehind() {
    Pod vertex = NodeGraph.vertex(POD);
    String json = new String(Json.bytes(vertex));
    for (String gone : new String[] {"literal", "managedFields", "podIP", "sleep", "labels"}) {
      assertTrue(!json.contains(gone), gone + " in " + json);
    }
  }
}
