package io.quarkube.kubelet.server;

import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.kubelet.Kubelet;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;

/** {@code GET /pods}: the pods this kubelet runs, as a PodList (upstream's read-only view of the node). */
final class PodsHandler {
  private PodsHandler() {}

  static void handle(RoutingContext rc, Kubelet kubelet) {
    var pods = new ArrayList<>(kubelet.allPods());
    rc.response().putHeader("Content-Type", "application/json")
        .end(Serialization.asJson(new PodListBuilder().withNewMetadata().endMetadata().withItems(pods).build()));
  }
}
