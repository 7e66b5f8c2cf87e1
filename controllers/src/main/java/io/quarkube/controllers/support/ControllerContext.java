package io.quarkube.controllers.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.client.controller.Informers;
import io.quarkube.client.events.EventRecorder;
import java.util.function.Function;

/**
 * What a controller is built from: the shared caches, the writer, an event recorder per component name, and the
 * client for what caches cannot answer (discovery, live lookups). {@code client} is null in unit tests.
 */
public record ControllerContext(Informers informers, ObjectWriter writer, Function<String, EventRecorder> recorders,
    KubernetesClient client, String caCertificatePem) {

  public EventRecorder recorder(String component) {
    return recorders.apply(component);
  }
}
