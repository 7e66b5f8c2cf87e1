package io.quarkube.apiserver.bootstrap;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.quarkube.apiserver.AdvertiseAddress;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.registry.core.ServiceAllocations;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Objects;

/**
 * The API server's own Service, {@code default/kubernetes}, at the first address of the service range, and its
 * Endpoints and EndpointSlice pointing at this server, kept up to date by the API server itself as upstream does.
 */
@ApplicationScoped
public class KubernetesService {
  private final Registry registry;
  private final ServiceAllocations allocations;
  private final AdvertiseAddress address;

  public KubernetesService(Registry registry, ServiceAllocations allocations, AdvertiseAddress address) {
    this.registry = registry;
    this.allocations = allocations;
    this.address = address;
  }

  void ensure() {
    String ip = allocations.range().first();
    GenericStore<Service> services = registry.services();
    if (services.find("default", "kubernetes").isEmpty()) {
      allocations.releaseBootstrapIp();
      Service svc = new ServiceBuilder().withNewMetadata().withName("kubernetes").withNamespace("default")
          .withLabels(Map.of("component", "apiserver", "provider", "kubernetes")).endMetadata()
          .withNewSpec().withType("ClusterIP").withClusterIP(ip).addNewPort().withName("https").withProtocol("TCP")
          .withPort(443).withTargetPort(new IntOrString(address.port())).endPort().withSessionAffinity("None")
          .endSpec().build();
      createIgnoringConflicts(services, svc);
    }
    GenericStore<HasMetadata> endpoints = registry.store("", "v1", "endpoints").orElseThrow();
    HasMetadata ep = new EndpointsBuilder().withNewMetadata().withName("kubernetes").withNamespace("default")
        .withLabels(Map.of("endpointslice.kubernetes.io/skip-mirror", "true")).endMetadata()
        .addNewSubset().addNewAddress().withIp(address.host()).endAddress()
        .addNewPort().withName("https").withPort(address.port()).withProtocol("TCP").endPort().endSubset().build();
    upsert(endpoints, ep);
    GenericStore<HasMetadata> slices = registry.store("discovery.k8s.io", "v1", "endpointslices").orElseThrow();
    HasMetadata slice = new EndpointSliceBuilder().withNewMetadata().withName("kubernetes").withNamespace("default")
        .withLabels(Map.of("kubernetes.io/service-name", "kubernetes"))
        .endMetadata().withAddressType("IPv4")
        .addNewEndpoint().withAddresses(address.host()).withNewConditions().withReady(true).endConditions()
        .endEndpoint()
        .addNewPort().withName("https").withPort(address.port()).withProtocol("TCP").endPort().build();
    upsert(slices, slice);
  }

  private static <T extends HasMetadata> void createIgnoringConflicts(GenericStore<T> store, T obj) {
    try {
      store.create(obj.getMetadata().getNamespace(), obj, false);
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
    }
  }

  /** Writes the wanted object unless what is stored already says the same (a restart rewrites nothing). */
  private static void upsert(GenericStore<HasMetadata> store, HasMetadata wanted) {
    String ns = wanted.getMetadata().getNamespace();
    String name = wanted.getMetadata().getName();
    if (store.find(ns, name).isEmpty()) {
      createIgnoringConflicts(store, wanted);
      return;
    }
    store.guaranteedUpdate(ns, name, null, null, false, current -> {
      wanted.getMetadata().setUid(current.getMetadata().getUid());
      wanted.getMetadata().setCreationTimestamp(current.getMetadata().getCreationTimestamp());
      return Objects.requireNonNull(wanted);
    });
  }
}
