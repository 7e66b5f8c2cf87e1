package io.quarkube.controllers.manager;

import io.quarkube.controllers.admissionpolicy.PolicyStatusController;
import io.quarkube.controllers.certificates.CsrApprovingController;
import io.quarkube.controllers.certificates.CsrSigningController;
import io.quarkube.controllers.cronjob.CronJobController;
import io.quarkube.controllers.daemonset.DaemonSetController;
import io.quarkube.controllers.deployment.DeploymentController;
import io.quarkube.controllers.disruption.DisruptionController;
import io.quarkube.controllers.endpoints.EndpointSliceController;
import io.quarkube.controllers.endpoints.EndpointSliceMirroringController;
import io.quarkube.controllers.endpoints.EndpointsController;
import io.quarkube.controllers.gc.GarbageCollector;
import io.quarkube.controllers.job.JobController;
import io.quarkube.controllers.namespace.DiscoveredContent;
import io.quarkube.controllers.namespace.NamespaceController;
import io.quarkube.controllers.nodelifecycle.NodeLifecycleController;
import io.quarkube.controllers.nodelifecycle.TaintEvictionController;
import io.quarkube.controllers.podgc.PodGarbageCollector;
import io.quarkube.controllers.replicaset.ReplicaController;
import io.quarkube.controllers.resourcequota.ResourceQuotaController;
import io.quarkube.controllers.serviceaccount.RootCaPublisher;
import io.quarkube.controllers.servicelb.ServiceLoadBalancerController;
import io.quarkube.controllers.serviceaccount.ServiceAccountsController;
import io.quarkube.controllers.serviceaccount.LegacyTokenGenerator;
import io.quarkube.controllers.serviceaccount.TokensController;
import io.quarkube.controllers.statefulset.StatefulSetController;
import io.quarkube.controllers.ttlafterfinished.TtlAfterFinishedController;
import io.quarkube.controllers.volume.PersistentVolumeBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/** Every controller of the manager, in start order. */
public final class KnownControllers {
  private static final Logger LOG = Logger.getLogger(KnownControllers.class);

  private KnownControllers() {}

  /** A number from the configuration (upstream's kube-controller-manager flags), or {@code fallback}. */
  static int setting(String name, int fallback) {
    return ConfigProvider.getConfig().getOptionalValue(name, Integer.class).orElse(fallback);
  }

  static Duration duration(String name, Duration fallback) {
    return ConfigProvider.getConfig().getOptionalValue(name, Duration.class).orElse(fallback);
  }

  /**
   * Where provisioned local-path volumes live on a node: {@code quarkube.controllers.local-path.root}, else the
   * kubelet's folder under the cluster's state folder ({@code <state>/kubelet/local-path}, as the launcher lays it out).
   */
  static Path localPathRoot() {
    var config = ConfigProvider.getConfig();
    return config.getOptionalValue("quarkube.controllers.local-path.root", String.class).map(Path::of)
        .orElseGet(() -> Path.of(config.getOptionalValue("quarkube.state-dir", String.class)
            .orElse("/var/lib/quarkube"), "kubelet", "local-path"));
  }

  /**
   * The signer of legacy token Secrets: the key of {@code quarkube.controllers.service-account-private-key-file}
   * (upstream's {@code --service-account-private-key-file}), else {@code <pki-dir>/sa.key}, the key the launcher
   * makes and the API server verifies with. Without one, the tokens controller only cleans up (upstream does not
   * start it at all then).
   */
  static LegacyTokenGenerator legacyTokenGenerator() {
    var config = ConfigProvider.getConfig();
    Path key = config.getOptionalValue("quarkube.controllers.service-account-private-key-file", String.class)
        .map(Path::of).orElseGet(() -> Path.of(config.getOptionalValue("quarkube.pki-dir", String.class)
            .orElse("/var/lib/quarkube/pki"), "sa.key"));
    if (!Files.isReadable(key)) {
      LOG.warnf("no service-account signing key at %s: legacy token Secrets are not filled in", key);
      return null;
    }
    try {
      return LegacyTokenGenerator.load(key);
    } catch (IOException | RuntimeException e) {
      LOG.warnf("cannot read the service-account signing key %s (%s): legacy token Secrets are not filled in",
          key, e.toString());
      return null;
    }
  }

  public static List<ControllerDescriptor> all() {
    return List.of(
        new ControllerDescriptor(NamespaceController.NAME, true,
            ctx -> new NamespaceController(ctx, new DiscoveredContent(ctx.client()))),
        new ControllerDescriptor(ServiceAccountsController.NAME, true, ServiceAccountsController::new),
        new ControllerDescriptor(RootCaPublisher.NAME, true, RootCaPublisher::new),
        new ControllerDescriptor(TokensController.NAME, true,
            ctx -> new TokensController(ctx, legacyTokenGenerator())),
        new ControllerDescriptor(GarbageCollector.NAME, true, GarbageCollector::new),
        new ControllerDescriptor("replicaset", true, ReplicaController::forReplicaSets),
        new ControllerDescriptor("replicationcontroller", true, ReplicaController::forReplicationControllers),
        new ControllerDescriptor(DeploymentController.NAME, true, DeploymentController::new),
        new ControllerDescriptor(EndpointsController.NAME, true, EndpointsController::new),
        new ControllerDescriptor(EndpointSliceController.NAME, true, EndpointSliceController::new),
        new ControllerDescriptor(JobController.NAME, true, JobController::new),
        new ControllerDescriptor(CsrApprovingController.NAME, true, CsrApprovingController::new),
        new ControllerDescriptor(CsrSigningController.NAME, true, CsrSigningController::create),
        new ControllerDescriptor(DisruptionController.NAME, true, DisruptionController::new),
        new ControllerDescriptor(io.quarkube.controllers.podautoscaler.HorizontalController.NAME, true,
            io.quarkube.controllers.podautoscaler.HorizontalController::new),
        new ControllerDescriptor(DaemonSetController.NAME, true, DaemonSetController::new),
        new ControllerDescriptor(StatefulSetController.NAME, true, StatefulSetController::new),
        new ControllerDescriptor(EndpointSliceMirroringController.NAME, true, EndpointSliceMirroringController::new),
        new ControllerDescriptor(CronJobController.NAME, true, CronJobController::new),
        new ControllerDescriptor(TtlAfterFinishedController.NAME, true, TtlAfterFinishedController::new),
        new ControllerDescriptor(PolicyStatusController.NAME, true, PolicyStatusController::new),
        new ControllerDescriptor(PodGarbageCollector.NAME, true,
            ctx -> new PodGarbageCollector(ctx, setting("quarkube.controllers.terminated-pod-gc-threshold", 12500))),
        new ControllerDescriptor(NodeLifecycleController.NAME, true, ctx -> new NodeLifecycleController(ctx,
            duration("quarkube.controllers.node-monitor-grace-period", Duration.ofSeconds(40)),
            ConfigProvider.getConfig().getOptionalValue("quarkube.controllers.node-eviction-rate", Double.class)
                .orElse(0.1))),
        new ControllerDescriptor(TaintEvictionController.NAME, true, TaintEvictionController::new),
        new ControllerDescriptor(ResourceQuotaController.NAME, true, ResourceQuotaController::new),
        new ControllerDescriptor(PersistentVolumeBinder.NAME, true, ctx -> new PersistentVolumeBinder(ctx,
            localPathRoot(), ConfigProvider.getConfig().getOptionalValue(
                "quarkube.controllers.local-path.default-class", Boolean.class).orElse(true))),
        new ControllerDescriptor(ServiceLoadBalancerController.NAME, true, ctx -> new ServiceLoadBalancerController(
            ctx, ConfigProvider.getConfig().getOptionalValue("quarkube.controllers.load-balancer.pool", String.class)
                .orElse(""))));
  }
}
