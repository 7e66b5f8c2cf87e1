package io.quarkube.controllers.replicaset;

import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.quarkube.client.controller.Controller;
import io.quarkube.controllers.support.ControllerContext;

/** Factories of the two replica controllers (the kinds themselves stay package-private). */
public final class ReplicaSetControllers {
  private ReplicaSetControllers() {}

  public static Controller<String> replicaSets(ControllerContext ctx) {
    return ReplicaController.<ReplicaSet>forReplicaSets(ctx);
  }

  public static Controller<String> replicationControllers(ControllerContext ctx) {
    return ReplicaController.<ReplicationController>forReplicationControllers(ctx);
  }
}
