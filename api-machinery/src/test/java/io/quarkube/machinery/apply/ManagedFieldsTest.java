package io.quarkube.machinery.apply;

import static io.quarkube.machinery.apply.Json.any;
import static io.quarkube.machinery.apply.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedFieldsTest {

    /** As the API serves it (and kubectl prints it, keys sorted, with --show-managed-fields). */
    private static final String ENTRIES = "[{\"manager\":\"kubectl\",\"operation\":\"Apply\",\"apiVersion\":\"apps/v1\","
            + "\"time\":\"2024-05-01T10:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:replicas\":{}}}},"
            + "{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
            + "\"time\":\"2024-05-01T10:00:02Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{\"f:replicas\":{}}},"
            + "\"subresource\":\"status\"}]";

    @Test
    void roundTripsTheApiShape() {
        ManagedFields mf = ManagedFields.parse(any(ENTRIES));
        assertEquals(2, mf.entries().size());
        ManagedFieldsEntry status = mf.entries().get(1);
        assertEquals(ManagedFieldsEntry.Operation.Update, status.operation());
        assertEquals("status", status.subresource());
        assertEquals(Instant.parse("2024-05-01T10:00:02Z"), status.time());
        assertEquals(ENTRIES, mf.toJson().toString());
    }

    @Test
    void entriesOmitEmptyValuesAndWholeSecondsOnly() {
        ManagedFieldsEntry e = new ManagedFieldsEntry("m", ManagedFieldsEntry.Operation.Update, "v1",
                Instant.parse("2024-05-01T10:00:00.750Z"), FieldSet.parse("{\"f:data\":{\"f:a\":{}}}"), null);
        assertEquals("{\"manager\":\"m\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2024-05-01T10:00:00Z\","
                + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:a\":{}}}}", e.toJson().toString());
        ManagedFieldsEntry noTime = new ManagedFieldsEntry("m", ManagedFieldsEntry.Operation.Apply, "v1", null,
                FieldSet.empty(), "");
        assertEquals("{\"manager\":\"m\",\"operation\":\"Apply\",\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\","
                + "\"fieldsV1\":{}}", noTime.toJson().toString());
    }

    @Test
    void readsFromAndWritesToObjects() {
        ObjectNode obj = json("{'metadata':{'name':'x'}}");
        obj.with("metadata").set("managedFields", any(ENTRIES));
        ManagedFields mf = ManagedFields.read(obj);
        assertEquals(2, mf.entries().size());
        ManagedFields.empty().writeTo(obj);
        assertFalse(obj.path("metadata").has("managedFields"));
        mf.writeTo(obj);
        assertEquals(ENTRIES, obj.path("metadata").path("managedFields").toString());
        assertTrue(ManagedFields.read(json("{}")).isEmpty());
    }

    @Test
    void rejectsInvalidEntriesLikeUpstream() {
        assertEquals("operation must be `Apply` or `Update`", assertThrows(IllegalArgumentException.class,
                () -> ManagedFields.parse(any("[{'manager':'m','apiVersion':'v1','fieldsType':'FieldsV1'}]")))
                .getMessage());
        assertEquals("apiVersion must not be empty", assertThrows(IllegalArgumentException.class,
                () -> ManagedFields.parse(any("[{'manager':'m','operation':'Update','fieldsType':'FieldsV1'}]")))
                .getMessage());
        assertEquals("missing fieldsType in managed fields entry 0", assertThrows(IllegalArgumentException.class,
                () -> ManagedFields.parse(any("[{'manager':'m','operation':'Update','apiVersion':'v1'}]")))
                .getMessage());
        assertEquals("invalid fieldsType \"FieldsV2\" in managed fields entry 0",
                assertThrows(IllegalArgumentException.class, () -> ManagedFields.parse(any(
                        "[{'operation':'Update','apiVersion':'v1','fieldsType':'FieldsV2'}]"))).getMessage());
    }

    @Test
    void sortsLikeUpstream() {
        FieldSet f = FieldSet.parse("{\"f:a\":{}}");
        ManagedFieldsEntry u1 = new ManagedFieldsEntry("b", ManagedFieldsEntry.Operation.Update, "v1",
                Instant.parse("2024-01-01T00:00:01Z"), f, "");
        ManagedFieldsEntry u2 = new ManagedFieldsEntry("a", ManagedFieldsEntry.Operation.Update, "v1",
                Instant.parse("2024-01-01T00:00:01Z"), f, "status");
        ManagedFieldsEntry u0 = new ManagedFieldsEntry("z", ManagedFieldsEntry.Operation.Update, "v1",
                Instant.parse("2024-01-01T00:00:00Z"), f, "");
        ManagedFieldsEntry a = new ManagedFieldsEntry("z", ManagedFieldsEntry.Operation.Apply, "v1",
                Instant.parse("2025-01-01T00:00:00Z"), f, "");
        assertEquals(List.of(a, u0, u2, u1), ManagedFields.sorted(List.of(u1, u2, u0, a)).entries());
    }

    @Test
    void recognisesResetRequests() {
        assertTrue(ManagedFields.isReset(any("[]")));
        assertTrue(ManagedFields.isReset(any("[{}]")));
        assertFalse(ManagedFields.isReset(null));
        assertFalse(ManagedFields.isReset(any("[{'manager':'x'}]")));
    }

    @Test
    void identitiesAreUpstreamsManagerKeys() {
        assertEquals("{\"manager\":\"kubectl\",\"operation\":\"Apply\"}", ManagerIdentity.apply("kubectl", "").key());
        assertEquals("{\"manager\":\"k\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\",\"subresource\":\"status\"}",
                ManagerIdentity.update("k", "apps/v1", "status").key());
        assertEquals("\"k\" with subresource \"status\" using apps/v1",
                ManagerIdentity.update("k", "apps/v1", "status").describe());
        assertEquals("\"kubectl\"", ManagerIdentity.apply("kubectl", "").describe());
    }
}
