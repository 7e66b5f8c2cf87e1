package io.quarkube.apiserver.admission.webhook;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.selection.FieldSelector;
import io.quarkube.apiserver.selection.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Upstream's endpoint routing for webhooks and aggregated APIs: a Service reference becomes the address of one ready
 * endpoint (picked at random) behind the service port, from the Service's EndpointSlices, else its Endpoints. The
 * API server runs on the host, from where pod IPs are reachable through the bridge.
 */
final class ServiceEndpoints {
  /** Where to connect. */
  record Target(String host, int port) {}

  private final Registry registry;

  ServiceEndpoints(Registry registry) {
    this.registry = registry;
  }

  Target resolve(String namespace, String name, int port) {
    Service svc = (Service) registry.services().find(namespace, name)
        .orElseThrow(() -> new WebhookCallException("service \"" + name + "\" not found"));
    if (svc.getSpec() != null && "ExternalName".equals(svc.getSpec().getType())) {
      return new Target(svc.getSpec().getExternalName(), port);
    }
    ServicePort servicePort = svc.getSpec() == null || svc.getSpec().getPorts() == null ? null
        : svc.getSpec().getPorts().stream().filter(p -> Objects.equals(p.getPort(), port)).findFirst().orElse(null);
    if (servicePort == null) {
      throw new WebhookCallException("no service port " + port + " found for service \"" + name + "\"");
    }
    String portName = servicePort.getName() == null ? "" : servicePort.getName();
    List<Target> targets = fromSlices(namespace, name, portName);
    if (targets.isEmpty()) {
      targets = fromEndpoints(namespace, name, portName);
    }
    if (targets.isEmpty()) {
      throw new WebhookCallException("no endpoints available for service \"" + name + "\"");
    }
    return targets.get(ThreadLocalRandom.current().nextInt(targets.size()));
  }

  private List<Target> fromSlices(String namespace, String name, String portName) {
    Optional<GenericStore<HasMetadata>> store = registry.store("discovery.k8s.io", "v1", "endpointslices");
    List<Target> out = new ArrayList<>();
    if (store.isEmpty()) {
      return out;
    }
    ListOptions byService = new ListOptions(LabelSelector.parse("kubernetes.io/service-name=" + name),
        FieldSelector.parse(null, store.get().selectableFields(), "EndpointSlice"), 0, null, null, null);
    for (HasMetadata o : store.get().list(namespace, byService).items()) {
      EndpointSlice slice = (EndpointSlice) o;
      Integer port = slice.getPorts() == null ? null : slice.getPorts().stream()
          .filter(p -> Objects.equals(p.getName() == null ? "" : p.getName(), portName))
          .map(io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort::getPort).filter(Objects::nonNull)
          .findFirst().orElse(null);
      if (port == null || slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint e : slice.getEndpoints()) {
        boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
        if (ready && e.getAddresses() != null && !e.getAddresses().isEmpty()) {
          out.add(new Target(e.getAddresses().get(0), port));
        }
      }
    }
    return out;
  }

  private List<Target> fromEndpoints(String namespace, String name, String portName) {
    List<Target> out = new ArrayList<>();
    Optional<HasMetadata> found;
    try {
      found = registry.store("", "v1", "endpoints").flatMap(s -> s.find(namespace, name));
    } catch (ApiException e) {
      return out;
    }
    if (found.isEmpty() || ((Endpoints) found.get()).getSubsets() == null) {
      return out;
    }
    for (EndpointSubset subset : ((Endpoints) found.get()).getSubsets()) {
      Integer port = subset.getPorts() == null ? null : subset.getPorts().stream()
          .filter(p -> Objects.equals(p.getName() == null ? "" : p.getName(), portName)).map(EndpointPort::getPort)
          .findFirst().orElse(null);
      if (port == null || subset.getAddresses() == null) {
        continue;
      }
      for (EndpointAddress a : subset.getAddresses()) {
        out.add(new Target(a.getIp(), port));
      }
    }
    return out;
  }
}
