package io.quarkube.controllers.endpoints;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.Owners;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstream's {@code endpointslice-mirroring} controller: for a Service without a selector, whose Endpoints someone
 * writes by hand, EndpointSlices mirror those Endpoints (one slice family per subset, ready and not-ready addresses
 * with their {@code ready} condition, at most {@link EndpointSliceController#MAX_ENDPOINTS} endpoints per slice),
 * labelled {@code endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io} and owned by the
 * Endpoints. Endpoints labelled {@code endpointslice.kubernetes.io/skip-mirror: "true"} are not mirrored.
 */
public final class EndpointSliceMirroringController extends ServiceKeyedController {
  public static final String NAME = "endpointslicemirroring";
  public static final String MANAGER = "endpointslicemirroring-controller.k8s.io";
  static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
  private static final String SLICE_INDEX = "mirrored-service-name";

  private final Indexer<Endpoints> endpoints;
  private final Indexer<EndpointSlice> slices;

  public EndpointSliceMirroringController(ControllerContext ctx) {
    super(NAME, ctx);
    this.endpoints = ctx.informers().indexer(Endpoints.class);
    this.slices = ctx.informers().indexer(EndpointSlice.class);
    watch(ctx.informers(), Endpoints.class, Keys::of);
    watchIndexed(ctx.informers(), EndpointSlice.class, SLICE_INDEX,
        s -> EndpointSliceController.serviceKey(s, MANAGER));
  }

  @Override
  protected void reconcile(String key) {
    Service svc = services.getByKey(key);
    Endpoints ep = endpoints.getByKey(key);
    boolean mirror = svc != null && ep != null && !ServicePods.hasSelector(svc)
        && !"ExternalName".equals(svc.getSpec().getType())
        && (ep.getMetadata().getLabels() == null || !"true".equals(ep.getMetadata().getLabels().get(SKIP_MIRROR)));
    Slices.sync(writer, Slices.existing(slices, SLICE_INDEX, key), mirror ? desired(ep) : List.of());
  }

  private static List<EndpointSlice> desired(Endpoints ep) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (ep.getMetadata().getLabels() != null) {
      labels.putAll(ep.getMetadata().getLabels());
    }
    labels.put(EndpointSliceController.SERVICE_NAME, ep.getMetadata().getName());
    labels.put(EndpointSliceController.MANAGED_BY, MANAGER);
    List<EndpointSlice> out = new ArrayList<>();
    for (EndpointSubset subset : ep.getSubsets() == null ? List.<EndpointSubset>of() : ep.getSubsets()) {
      List<Endpoint> list = new ArrayList<>();
      addAll(list, subset.getAddresses(), true);
      addAll(list, subset.getNotReadyAddresses(), false);
      List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> ports = new ArrayList<>();
      for (EndpointPort p : subset.getPorts() == null ? List.<EndpointPort>of() : subset.getPorts()) {
        ports.add(new EndpointPortBuilder().withName(p.getName() == null ? "" : p.getName()).withPort(p.getPort())
            .withProtocol(p.getProtocol() == null ? "TCP" : p.getProtocol()).withAppProtocol(p.getAppProtocol())
            .build());
      }
      for (int from = 0; from < list.size(); from += EndpointSliceController.MAX_ENDPOINTS) {
        out.add(new EndpointSliceBuilder().withNewMetadata().withNamespace(ep.getMetadata().getNamespace())
            .withGenerateName(ep.getMetadata().getName() + "-").withLabels(new LinkedHashMap<>(labels))
            .withOwnerReferences(Owners.controllerRef(ep)).endMetadata().withAddressType("IPv4")
            .withEndpoints(new ArrayList<>(list.subList(from, Math.min(list.size(),
                from + EndpointSliceController.MAX_ENDPOINTS))))
            .withPorts(ports.isEmpty() ? null : ports).build());
      }
    }
    return out;
  }

  private static void addAll(List<Endpoint> out, List<EndpointAddress> addresses, boolean ready) {
    if (addresses == null) {
      return;
    }
    for (EndpointAddress a : addresses) {
      if (a.getIp() == null || a.getIp().contains(":")) {
        continue; // IPv4 slices only
      }
      out.add(new EndpointBuilder().withAddresses(a.getIp()).withHostname(a.getHostname())
          .withNodeName(a.getNodeName()).withTargetRef(a.getTargetRef()).withNewConditions().withReady(ready)
          .withServing(ready).withTerminating(false).endConditions().build());
    }
  }
}
