package io.quarkube.apiserver.bootstrap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.Registry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Upstream's system-namespaces post-start hook: default, kube-system, kube-public and kube-node-lease exist before
 * the server says it is ready. Retries in the background until etcd answers.
 */
@ApplicationScoped
public class SystemNamespaces {
  private static final Logger LOG = Logger.getLogger(SystemNamespaces.class);
  static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

  private final Registry registry;
  private final KubernetesService kubernetesService;
  private final AtomicBoolean done = new AtomicBoolean();

  public SystemNamespaces(Registry registry, KubernetesService kubernetesService) {
    this.registry = registry;
    this.kubernetesService = kubernetesService;
  }

  void onStart(@Observes StartupEvent event) {
    Thread t = new Thread(this::ensureLoop, "system-namespaces");
    t.setDaemon(true);
    t.start();
  }

  public boolean done() {
    return done.get();
  }

  private void ensureLoop() {
    long backoffMs = 200;
    while (!done.get()) {
      try {
        ensure();
        kubernetesService.ensure();
        done.set(true);
        LOG.infof("system namespaces present: %s; default/kubernetes serves this API server", NAMES);
      } catch (RuntimeException e) {
        LOG.warnf("system namespaces not created yet (%s); retrying", e.getMessage());
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  void ensure() {
    GenericStore<HasMetadata> namespaces = registry.namespaces();
    for (String name : NAMES) {
      if (namespaces.find(null, name).isPresent()) {
        continue;
      }
      try {
        namespaces.create(null, new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build(), false);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
      }
    }
  }
}
