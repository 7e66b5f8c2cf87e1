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
}
