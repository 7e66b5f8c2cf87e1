package io.quarkube.controllers.manager;

import io.quarkube.controllers.cronjob.CronJobController;
import io.quarkube.controllers.deployment.DeploymentController;
import io.quarkube.controllers.endpoints.EndpointSliceController;
import io.quarkube.controllers.endpoints.EndpointsController;
import io.quarkube.controllers.gc.GarbageCollector;
import io.quarkube.controllers.job.JobController;
import io.quarkube.controllers.namespace.DiscoveredContent;
import io.quarkube.controllers.namespace.NamespaceController;
import io.quarkube.controllers.replicaset.ReplicaController;
import io.quarkube.controllers.serviceaccount.RootCaPublisher;
import io.quarkube.controllers.serviceaccount.ServiceAccountsController;
import java.util.List;

/** Every controller of the manager, in start order. */
public final class KnownControllers {
  private KnownControllers() {}

  public static List<ControllerDescriptor> all() {
    return List.of(
        new ControllerDescriptor(NamespaceController.NAME, true,
            ctx -> new NamespaceController(ctx, new DiscoveredContent(ctx.client()))),
        new ControllerDescriptor(ServiceAccountsController.NAME, true, ServiceAccountsController::new),
        new ControllerDescriptor(RootCaPublisher.NAME, true, RootCaPublisher::new),
        new ControllerDescriptor(GarbageCollector.NAME, true, GarbageCollector::new),
        new ControllerDescriptor("replicaset", true, ReplicaController::forReplicaSets),
        new ControllerDescriptor("replicationcontroller", true, ReplicaController::forReplicationControllers),
        new ControllerDescriptor(DeploymentController.NAME, true, DeploymentController::new),
        new ControllerDescriptor(EndpointsController.NAME, true, EndpointsController::new),
        new ControllerDescriptor(EndpointSliceController.NAME, true, EndpointSliceController::new),
        new ControllerDescriptor(JobController.NAME, true, JobController::new),
        new ControllerDescriptor(CronJobController.NAME, true, CronJobController::new));
  }
}
