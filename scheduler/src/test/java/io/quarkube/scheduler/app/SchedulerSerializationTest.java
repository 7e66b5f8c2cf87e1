package io.quarkube.scheduler.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class SchedulerSerializationTest {
  /** The client's serialization minus what scheduling never reads; the rest as {@code LeanSerialization} reads it. */
  private final KubernetesSerialization streaming = new SchedulerSerialization();

  @Test
  void readingSkipsWhatSchedulingDoesNotUseAndKeepsWhatItDoes() {
    String json = "{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
        + "\"name\":\"p0\",\"namespace\":\"ns\",\"labels\":{\"a\":\"b\"},\"annotations\":{\"k\":\"v\"},"
        + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"uid\":\"r\","
        + "\"controller\":true}],\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Update\","
        + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:containers\":{}}}}]},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"command\":[\"sh\"],\"args\":[\"-c\",\"x\"],"
        + "\"env\":[{\"name\":\"E\",\"value\":\"1\"}],\"livenessProbe\":{\"exec\":{\"command\":[\"true\"]}},"
        + "\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/v\"}],\"ports\":[{\"containerPort\":80,"
        + "\"hostPort\":8080}],\"resources\":{\"requests\":{\"cpu\":\"1\"}},\"restartPolicy\":\"Always\"}],"
        + "\"volumes\":[{\"name\":\"v\",\"persistentVolumeClaim\":{\"claimName\":\"data\"}}]},"
        + "\"status\":{\"phase\":\"Running\",\"startTime\":\"2026-01-01T00:00:00Z\",\"nominatedNodeName\":\"n2\","
        + "\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,\"restartCount\":0}]}}}";
    Pod pod = assertInstanceOf(Pod.class, streaming.unmarshal(json, WatchEvent.class).getObject());
    assertEquals(java.util.List.of(), pod.getMetadata().getManagedFields());
    var c = pod.getSpec().getContainers().get(0);
    assertEquals(java.util.List.of(), c.getCommand());
    assertEquals(java.util.List.of(), c.getEnv());
    assertNull(c.getLivenessProbe());
    assertEquals(java.util.List.of(), c.getVolumeMounts());
    assertEquals(java.util.Map.of(), c.getAdditionalProperties(), "skipped, not kept as unknown fields");
    assertEquals(java.util.List.of(), pod.getStatus().getContainerStatuses());
    // What scheduling reads is all there.
    assertEquals("b", pod.getMetadata().getLabels().get("a"));
    assertEquals("v", pod.getMetadata().getAnnotations().get("k"));
    assertEquals("rs", pod.getMetadata().getOwnerReferences().get(0).getName());
    assertEquals(8080, c.getPorts().get(0).getHostPort());
    assertEquals("1", c.getResources().getRequests().get("cpu").toString());
    assertEquals("Always", c.getRestartPolicy());
    assertEquals("i", c.getImage());
    assertEquals("data", pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
    assertEquals("Running", pod.getStatus().getPhase());
    assertEquals("2026-01-01T00:00:00Z", pod.getStatus().getStartTime());
    assertEquals("n2", pod.getStatus().getNominatedNodeName());
    // Writing keeps every field.
    pod.getSpec().getContainers().get(0).setCommand(java.util.List.of("sh"));
    assertEquals(true, streaming.asJson(pod).contains("\"command\":[\"sh\"]"));
  }
}
