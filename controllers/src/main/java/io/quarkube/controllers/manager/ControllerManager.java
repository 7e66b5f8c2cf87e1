package io.quarkube.controllers.manager;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkube.client.KubeClients;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.SharedInformers;
import io.quarkube.client.events.ApiEventRecorder;
import io.quarkube.client.leader.LeaderElection;
import io.quarkube.controllers.support.ClientObjectWriter;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The controller manager's life: build the client from its kubeconfig ({@link KubeClients#kubeconfigPath(String)}),
 * campaign for the Lease {@code kube-system/kube-controller-manager}, and while leading run the selected controllers
 * on shared informers.
 * When the Lease is lost the controllers stop (so two managers never act at once) and the manager campaigns again,
 * as a standby.
 */
@ApplicationScoped
public class ControllerManager {
  private static final Logger LOG = Logger.getLogger(ControllerManager.class);

  @ConfigProperty(name = "quarkube.controllers", defaultValue = "*")
  String selection;
  @ConfigProperty(name = "quarkube.controllers.workers", defaultValue = "5")
  int workers;
  @ConfigProperty(name = "quarkube.controllers.leader-elect", defaultValue = "true")
  boolean leaderElect;
  @ConfigProperty(name = "quarkube.controllers.leader-elect.namespace", defaultValue = "kube-system")
  String leaseNamespace;
  @ConfigProperty(name = "quarkube.controllers.leader-elect.name", defaultValue = "kube-controller-manager")
  String leaseName;
  @ConfigProperty(name = "quarkube.controllers.leader-elect.lease-duration", defaultValue = "15s")
  Duration leaseDuration;
  @ConfigProperty(name = "quarkube.controllers.leader-elect.renew-deadline", defaultValue = "10s")
  Duration renewDeadline;
  @ConfigProperty(name = "quarkube.controllers.leader-elect.retry-period", defaultValue = "2s")
  Duration retryPeriod;
  /** This candidate's Lease holder identity; empty: {@code <hostname>_<uuid>} as upstream. */
  @ConfigProperty(name = "quarkube.controllers.leader-elect.identity")
  Optional<String> identity;
  @ConfigProperty(name = "quarkube.controllers.resync", defaultValue = "10m")
  Duration resync;

  @Inject
  MeterRegistry meters;

  private KubernetesClient client;
  private String caPem;
  private LeaderElection election;
  private volatile CompletableFuture<?> campaign;
  private volatile boolean shuttingDown;
  private volatile boolean leading;
  private volatile String leader = "";
  private SharedInformers informers;
  private ApiEventRecorder events;
  private final List<Controller<?>> running = new ArrayList<>();
  private Set<String> enabled;

  void onStart(@Observes StartupEvent event) {
    List<ControllerDescriptor> known = KnownControllers.all();
    List<String> names = known.stream().map(ControllerDescriptor::name).toList();
    Set<String> offByDefault = known.stream().filter(d -> !d.onByDefault()).map(ControllerDescriptor::name)
        .collect(Collectors.toSet());
    enabled = ControllerSelection.parse(selection, names).enabled(names, offByDefault);
    Config config = KubeClients.config(KubeClients.kubeconfigPath("controllers"));
    caPem = KubeClients.caCertificatePem(config);
    client = KubeClients.client(config);
    LeaderElection.registerStatusGauge(meters, leaseName, () -> leading);
    LOG.infof("controllers enabled: %s", String.join(", ", enabled));
    if (leaderElect) {
      election = new LeaderElection(leaseNamespace, leaseName, identity.orElseGet(LeaderElection::defaultIdentity),
          leaseDuration,
          renewDeadline, retryPeriod);
      LOG.infof("campaigning for Lease %s/%s as %s", leaseNamespace, leaseName, election.identity());
      campaign();
    } else {
      startControllers();
    }
  }

  private void campaign() {
    campaign = election.start(client, this::startControllers, this::lostLease, holder -> {
      leader = holder;
      LOG.infof("leader is now %s", holder);
    });
  }

  private void lostLease() {
    stopControllers();
    if (!shuttingDown) {
      LOG.warn("lost the leader Lease: controllers stopped, campaigning again as a standby");
      // The elector's loop ends after this callback: start a fresh one once it has.
      CompletableFuture<?> old = campaign;
      if (old != null) {
        old.whenComplete((r, t) -> {
          if (!shuttingDown) {
            campaign();
          }
        });
      }
    }
  }

  private synchronized void startControllers() {
    if (leading) {
      return;
    }
    LOG.info("starting controllers");
    leading = true;
    informers = new SharedInformers(client, resync);
    events = new ApiEventRecorder(client, "kube-controller-manager", hostname());
    ControllerContext ctx = new ControllerContext(informers, new ClientObjectWriter(client),
        component -> events.forComponent(component), client, caPem);
    for (ControllerDescriptor d : KnownControllers.all()) {
      if (!enabled.contains(d.name())) {
        continue;
      }
      try {
        Controller<?> c = d.factory().apply(ctx);
        c.bindMetrics(meters);
        running.add(c);
      } catch (RuntimeException e) {
        LOG.errorf(e, "cannot start controller %s", d.name());
      }
    }
    informers.start();
    for (Controller<?> c : running) {
      c.start(workers);
    }
  }

  private synchronized void stopControllers() {
    if (!leading) {
      return;
    }
    leading = false;
    running.forEach(Controller::stop);
    running.clear();
    if (informers != null) {
      informers.close();
    }
    if (events != null) {
      events.close();
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  /**
   * Stops the controllers, releases the Lease (so a standby takes over at once) and closes the client. Idempotent: a
   * control plane that runs the manager in the API server's process calls it before the server stops serving, since
   * the release is a request to that server.
   */
  public synchronized void stop() {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    stopControllers();
    if (campaign != null) {
      campaign.cancel(true); // releases the Lease, so a standby takes over at once
    }
    if (client != null) {
      client.close();
    }
  }

  /** True while this instance leads and runs controllers. */
  public boolean isLeading() {
    return leading;
  }

  /** The current Lease holder as last observed. */
  public String leader() {
    return leader;
  }

  /** Names of running controllers whose caches have not synced yet. */
  public synchronized List<String> unsynced() {
    return running.stream().filter(c -> !c.isSynced()).map(Controller::name).toList();
  }

  public boolean started() {
    return client != null;
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
