package io.quarkube.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.quarkube.apiserver.json.Json;
import io.quarkube.machinery.apply.FieldManager;
import io.quarkube.machinery.apply.ManagedFields;
import io.quarkube.machinery.apply.Schema;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedFieldsModelTest {

  @Test
  void theModelIsWhatTheEntriesJsonDecodesTo() throws Exception {
    ObjectNode pod = (ObjectNode) Json.MAPPER.readTree("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","labels":{"app":"web"}},
         "spec":{"containers":[{"name":"app","image":"busybox","ports":[{"containerPort":80,"protocol":"TCP"}],
          "env":[{"name":"A","value":"1"}]}],"restartPolicy":"Always"},"status":{"phase":"Pending"}}""");
    Schema schema = Schema.builtIn("v1", "Pod").orElseThrow();
    Instant created = Instant.parse("2026-11-26T12:00:00.250Z");
    ManagedFields managed = FieldManager.update(null, pod, "kubectl-create", "v1", "", created, schema);
    managed.writeTo(pod);
    ObjectNode running = pod.deepCopy();
    ((ObjectNode) running.get("status")).put("phase", "Running").put("podIP", "10.0.0.5");
    ManagedFields both = FieldManager.update(pod, running, "kubelet", "v1", "status",
        created.plusSeconds(3), schema);

    List<ManagedFieldsEntry> viaJson = Json.MAPPER.convertValue(both.toJson(),
        new TypeReference<List<ManagedFieldsEntry>>() {});
    List<ManagedFieldsEntry> direct = ManagedFieldsModel.toModel(both);
    assertEquals(2, direct.size());
    assertEquals(viaJson, direct);
    // Encoded, they are the same bytes: what etcd stores does not depend on the path taken.
    assertArrayEquals(Json.bytes(viaJson), Json.bytes(direct));
    assertEquals("2026-11-26T12:00:00Z", direct.get(0).getTime());
    assertNull(direct.get(0).getSubresource());
    assertEquals("status", direct.get(1).getSubresource());
  }

  @Test
  void noEntriesLeaveTheFieldOut() {
    assertNull(ManagedFieldsModel.toModel(ManagedFields.empty()));
  }
}
