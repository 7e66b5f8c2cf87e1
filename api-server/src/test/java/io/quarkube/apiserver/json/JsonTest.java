package io.quarkube.apiserver.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void leaseMicroTimesRoundTripInUpstreamFormat() {
    String json = "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"n\"},"
        + "\"spec\":{\"holderIdentity\":\"node-1\",\"leaseDurationSeconds\":40,"
        + "\"renewTime\":\"2026-11-25T22:05:01.123456Z\"}}";
    Lease lease = Json.convert(Json.parse(json.getBytes(StandardCharsets.UTF_8)), Lease.class);
    String out = new String(Json.bytes(lease), StandardCharsets.UTF_8);
    assertEquals("2026-11-25T22:05:01.123456Z", Json.parse(out.getBytes(StandardCharsets.UTF_8))
        .at("/spec/renewTime").asText());
  }

  /** Stored objects carry field names of their own; a shared name table was copied whole by each read meeting one. */
  @Test
  void decodingObjectsWithNamesOfTheirOwnDoesNotCopyASharedNameTable() {
    // the first 3,000 decodes fill the table, if there is one
    long perRead = io.quarkube.testing.Allocations.perCall(3000, 3000, i -> Json.read(
        ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":{\"key-" + i
            + "\":\"v\"}}}").getBytes(StandardCharsets.UTF_8), io.fabric8.kubernetes.api.model.Pod.class));
    // a few KB per read without the table; with it, every read copied ~100 KB or more
    org.junit.jupiter.api.Assertions.assertTrue(perRead < 40_000, "allocated " + perRead + " bytes per read");
  }
}
