package io.quarkube.apiserver.crd;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatus;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.quarkube.apiserver.admission.webhook.ConversionWebhookClient;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.ListPage;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.registry.WatchEvent;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.storage.Storage;
import io.quarkube.apiserver.storage.StoredValue;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Serves what CustomResourceDefinitions declare, inside the API server as upstream's apiextensions server does:
 * each served version becomes a resource of the catalog (so discovery, OpenAPI and the generic store pick it up),
 * the CRD's status says NamesAccepted and Established, and a deleted CRD takes its custom resources with it before
 * its cleanup finalizer goes.
 */
@ApplicationScoped
public class CustomResourceDefinitions {
  private static final Logger LOG = Logger.getLogger(CustomResourceDefinitions.class);

  private final Registry registry;
  private final Storage storage;
  private final Clock clock;
  /** One thread: CRD changes are applied in the order they happened. */
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "crd-controller");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, List<ResourceDefinition>> served = new HashMap<>();
  private final AtomicBoolean synced = new AtomicBoolean();
  private final ConversionWebhookClient conversionClient;

  public CustomResourceDefinitions(Registry registry, Storage storage, Clock clock) {
    this.registry = registry;
    this.storage = storage;
    this.clock = clock;
    this.conversionClient = new ConversionWebhookClient(registry);
  }

  void onStart(@Observes StartupEvent event) {
    worker.submit(this::start);
  }

  /** Whether the CRDs that existed at start are served (part of readiness). */
  public boolean synced() {
    return synced.get();
  }

  private GenericStore<HasMetadata> crds() {
    return registry.store("apiextensions.k8s.io", "v1", "customresourcedefinitions").orElseThrow();
  }

  private void start() {
    while (true) {
      try {
        ListPage<HasMetadata> initial = crds().list(null, ListOptions.all());
        initial.items().forEach(crd -> reconcile((CustomResourceDefinition) crd));
        synced.set(true);
        crds().watch(null, ListOptions.all(), initial.resourceVersion(), new GenericStore.WatchListener<>() {
          @Override
          public void onEvent(WatchEvent<HasMetadata> event) {
            worker.submit(() -> {
              if ("DELETED".equals(event.type())) {
                unserve(event.object().getMetadata().getName());
              } else {
                reconcile((CustomResourceDefinition) event.object());
              }
            });
          }

          @Override
          public void onError(Throwable error) {
            LOG.warnf("CRD watch ended (%s); restarting", error.getMessage());
            synced.set(false);
            worker.submit(CustomResourceDefinitions.this::start);
          }
        });
        return;
      } catch (RuntimeException e) {
        LOG.warnf("CRDs not loaded yet (%s); retrying", e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void reconcile(CustomResourceDefinition crd) {
    try {
      if (crd.getMetadata().getDeletionTimestamp() != null) {
        cleanUp(crd);
      } else {
        serve(crd);
        updateStatus(crd);
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "CRD %s: %s", crd.getMetadata().getName(), e.getMessage());
    }
  }

  private void serve(CustomResourceDefinition crd) {
    CustomResourceDefinitionSpec spec = crd.getSpec();
    String name = crd.getMetadata().getName();
    List<ResourceDefinition> now = new ArrayList<>();
    for (CustomResourceDefinitionVersion v : spec.getVersions()) {
      if (!Boolean.TRUE.equals(v.getServed())) {
        continue;
      }
      Set<String> subresources = new LinkedHashSet<>();
      if (v.getSubresources() != null && v.getSubresources().getStatus() != null) {
        subresources.add("status");
      }
      if (v.getSubresources() != null && v.getSubresources().getScale() != null) {
        subresources.add("scale");
      }
      var names = spec.getNames();
      ResourceDefinition def = new ResourceDefinition(spec.getGroup(), v.getName(), names.getPlural(),
          Objects.requireNonNullElse(names.getSingular(), names.getKind().toLowerCase()), names.getKind(),
          "Namespaced".equals(spec.getScope()), names.getShortNames() == null ? List.of() : names.getShortNames(),
          names.getCategories() == null ? List.of() : names.getCategories(), Set.copyOf(subresources),
          GenericKubernetesResource.class, spec.getGroup() + "/" + names.getPlural(), ResourceDefinition.VERBS);
      // The extras first: registering the store bumps the catalog generation, which rebuilds the documents.
      ServedVersions.register(def, v);
      registry.register(def, new CustomResourceStrategy(v));
      useConversionWebhook(spec, def);
      now.add(def);
    }
    List<ResourceDefinition> before = served.put(name, now);
    if (before != null) {
      for (ResourceDefinition old : before) {
        if (now.stream().noneMatch(d -> d.version().equals(old.version()))) {
          registry.unregister(old);
          ServedVersions.unregister(old);
        }
      }
    }
  }

  /** With strategy Webhook, the version's store converts what it reads and writes through the CRD's webhook. */
  private void useConversionWebhook(CustomResourceDefinitionSpec spec, ResourceDefinition def) {
    var conversion = spec.getConversion();
    if (conversion == null || !"Webhook".equals(conversion.getStrategy()) || conversion.getWebhook() == null) {
      return;
    }
    String storageVersion = spec.getVersions().stream().filter(v -> Boolean.TRUE.equals(v.getStorage()))
        .map(CustomResourceDefinitionVersion::getName).findFirst().orElse(def.version());
    registry.store(def).setStorageConversion(new CustomResourceConversion(conversionClient,
        Json.tree(conversion.getWebhook().getClientConfig()), spec.getGroup(), def.version(), storageVersion));
  }

  private void unserve(String crdName) {
    List<ResourceDefinition> defs = served.remove(crdName);
    if (defs != null) {
      defs.forEach(registry::unregister);
      defs.forEach(ServedVersions::unregister);
    }
  }

  private void updateStatus(CustomResourceDefinition crd) {
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    crds().guaranteedUpdate(null, crd.getMetadata().getName(), null, "status", false, current -> {
      CustomResourceDefinition c = (CustomResourceDefinition) current;
      CustomResourceDefinitionStatus status = c.getStatus() == null ? new CustomResourceDefinitionStatus()
          : c.getStatus();
      status.setAcceptedNames(c.getSpec().getNames());
      List<CustomResourceDefinitionCondition> conditions = status.getConditions() == null ? new ArrayList<>()
          : new ArrayList<>(status.getConditions());
      setCondition(conditions, "NamesAccepted", "NoConflicts", "no conflicts found", now);
      setCondition(conditions, "Established", "InitialNamesAccepted", "the initial names have been accepted", now);
      status.setConditions(conditions);
      Set<String> stored = new LinkedHashSet<>(status.getStoredVersions() == null ? List.of()
          : status.getStoredVersions());
      c.getSpec().getVersions().stream().filter(v -> Boolean.TRUE.equals(v.getStorage()))
          .forEach(v -> stored.add(v.getName()));
      status.setStoredVersions(new ArrayList<>(stored));
      c.setStatus(status);
      return c;
    });
  }

  private static void setCondition(List<CustomResourceDefinitionCondition> conditions, String type, String reason,
      String message, String now) {
    for (CustomResourceDefinitionCondition c : conditions) {
      if (type.equals(c.getType())) {
        if (!"True".equals(c.getStatus())) {
          c.setStatus("True");
          c.setLastTransitionTime(now);
        }
        c.setReason(reason);
        c.setMessage(message);
        return;
      }
    }
    conditions.add(new CustomResourceDefinitionCondition(now, message, reason, "True", type));
  }

  /** Deletes every custom resource of the CRD, then releases the CRD by removing the cleanup finalizer. */
  private void cleanUp(CustomResourceDefinition crd) {
    String name = crd.getMetadata().getName();
    unserve(name);
    String prefix = "/registry/" + crd.getSpec().getGroup() + "/" + crd.getSpec().getNames().getPlural() + "/";
    int removed = 0;
    while (true) {
      var page = storage.list(prefix, null, 0, 500);
      for (StoredValue v : page.items()) {
        try {
          storage.delete(v.key(), v.modRevision());
          removed++;
        } catch (RuntimeException e) {
          // Changed or gone meanwhile: the next page read sees it again or not at all.
        }
      }
      if (page.items().isEmpty()) {
        break;
      }
    }
    LOG.infof("CRD %s deleted: removed %d custom resources", name, removed);
    try {
      crds().guaranteedUpdate(null, name, null, null, false, current -> {
        List<String> f = new ArrayList<>(current.getMetadata().getFinalizers() == null ? List.of()
            : current.getMetadata().getFinalizers());
        f.remove(CrdStrategy.CLEANUP_FINALIZER);
        current.getMetadata().setFinalizers(f.isEmpty() ? null : f);
        return current;
      });
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }
}
