package io.quarkube.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import io.quarkube.controllers.support.Pods;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps discovery.k8s.io/v1 EndpointSlices for each Service with a selector (upstream's {@code endpointslice}
 * controller): one IPv4 slice family per distinct resolved port set, at most {@link #MAX_ENDPOINTS} endpoints per
 * slice, each endpoint with {@code ready} / {@code serving} / {@code terminating} conditions, its pod and node.
 * Slices carry {@code kubernetes.io/service-name} and {@code endpointslice.kubernetes.io/managed-by}, and the Service
 * as controller owner (so they go with it).
 */
public final class EndpointSliceController extends Controller<String> {
  public static final String NAME = "endpointslice";
  public static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  public static final String MANAGER = "endpointslice-controller.k8s.io";
  public static final String SERVICE_NAME = "kubernetes.io/service-name";
  static final int MAX_ENDPOINTS = 100;
  private static final String SLICE_INDEX = "service-name";

  private final Indexer<Service> services;
  private final Indexer<Pod> pods;
  private final Indexer<EndpointSlice> slices;
  private final ObjectWriter writer;

  public EndpointSliceController(ControllerContext ctx) {
    super(NAME);
    this.services = ctx.informers().indexer(Service.class);
    this.pods = ctx.informers().indexer(Pod.class);
    this.slices = ctx.informers().indexer(EndpointSlice.class);
    this.writer = ctx.writer();
    ctx.informers().addIndexers(EndpointSlice.class, Map.of(SLICE_INDEX, s -> isOurs(s)
        ? List.of(Keys.of(s.getMetadata().getNamespace(), s.getMetadata().getLabels().get(SERVICE_NAME)))
        : List.of()));
    ctx.informers().addEventHandler(Service.class, enqueueing(Keys::of));
    ctx.informers().addEventHandler(EndpointSlice.class, enqueueing((EndpointSlice s) -> isOurs(s)
        ? Keys.of(s.getMetadata().getNamespace(), s.getMetadata().getLabels().get(SERVICE_NAME)) : null));
    ctx.informers().addEventHandler(Pod.class, EndpointsController.podHandler(services, this::enqueue));
    waitForSync(ctx.informers(), Service.class);
    waitForSync(ctx.informers(), Pod.class);
    waitForSync(ctx.informers(), EndpointSlice.class);
  }

  static boolean isOurs(EndpointSlice s) {
    Map<String, String> l = s.getMetadata().getLabels();
    return l != null && MANAGER.equals(l.get(MANAGED_BY)) && l.get(SERVICE_NAME) != null;
  }

  @Override
  protected void reconcile(String key) {
    Service svc = services.getByKey(key);
    List<EndpointSlice> existing = new ArrayList<>(slices.byIndex(SLICE_INDEX, key));
    existing.sort(Comparator.comparing(s -> s.getMetadata().getName()));
    if (svc == null || !ServicePods.hasSelector(svc)) {
      for (EndpointSlice s : existing) {
        delete(s); // the Service went (the GC would too) or stopped selecting pods
      }
      return;
    }
    List<EndpointSlice> wanted = desired(svc, ServicePods.backing(svc, pods));
    // Reuse existing slices in order, create what is missing, delete the surplus.
    for (int i = 0; i < wanted.size(); i++) {
      EndpointSlice w = wanted.get(i);
      if (i < existing.size()) {
        EndpointSlice have = existing.get(i);
        if (!sameJson(have.getEndpoints(), w.getEndpoints()) || !sameJson(have.getPorts(), w.getPorts())
            || !sameJson(have.getMetadata().getLabels(), w.getMetadata().getLabels())) {
          writer.update(new EndpointSliceBuilder(have).editMetadata().withLabels(w.getMetadata().getLabels())
              .endMetadata().withEndpoints(w.getEndpoints()).withPorts(w.getPorts()).build());
        }
      } else {
        try {
          writer.create(w);
        } catch (RuntimeException e) {
          if (!ApiErrors.isForbidden(e)) {
            throw e;
          }
        }
      }
    }
    for (int i = wanted.size(); i < existing.size(); i++) {
      delete(existing.get(i));
    }
  }

  /**
   * Equal as the API would store them: null and empty lists/maps are the same (comparing the objects directly would
   * see a difference, update, get the update back, and loop).
   */
  static boolean sameJson(Object a, Object b) {
    return normalized(a).equals(normalized(b));
  }

  private static String normalized(Object o) {
    if (o == null || o instanceof java.util.Collection<?> c && c.isEmpty() || o instanceof Map<?, ?> m && m.isEmpty()) {
      return "";
    }
    return io.fabric8.kubernetes.client.utils.Serialization.asJson(o);
  }

  private void delete(EndpointSlice s) {
    try {
      writer.delete(s, null);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  /** The slices the service should have (names left to the API server's generateName). */
  List<EndpointSlice> desired(Service svc, List<Pod> backing) {
    Map<List<EndpointPort>, List<Endpoint>> byPorts = new LinkedHashMap<>();
    List<ServicePort> servicePorts = svc.getSpec().getPorts() == null ? List.of() : svc.getSpec().getPorts();
    for (Pod pod : backing) {
      List<EndpointPort> ports = new ArrayList<>();
      for (ServicePort sp : servicePorts) {
        Integer port = ServicePods.targetPort(sp, pod);
        if (port != null) {
          ports.add(new EndpointPortBuilder().withName(sp.getName() == null ? "" : sp.getName()).withPort(port)
              .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol()).withAppProtocol(sp.getAppProtocol())
              .build());
        }
      }
      if (!servicePorts.isEmpty() && ports.isEmpty()) {
        continue;
      }
      ports.sort(Comparator.comparing(EndpointPort::getName).thenComparing(EndpointPort::getPort));
      boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
      boolean serving = Pods.isReady(pod) || Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
      EndpointBuilder e = new EndpointBuilder().withAddresses(ServicePods.podIp(pod))
          .withNewConditions().withReady(ServicePods.ready(svc, pod)).withServing(serving)
          .withTerminating(terminating).endConditions()
          .withNodeName(pod.getSpec().getNodeName())
          .withNewTargetRef().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endTargetRef();
      if (pod.getSpec().getHostname() != null && Objects.equals(pod.getSpec().getSubdomain(),
          svc.getMetadata().getName())) {
        e.withHostname(pod.getSpec().getHostname());
      }
      byPorts.computeIfAbsent(ports, k -> new ArrayList<>()).add(e.build());
    }
    if (byPorts.isEmpty()) {
      byPorts.put(List.of(), new ArrayList<>()); // an empty slice still says "no endpoints", as upstream keeps one
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (svc.getMetadata().getLabels() != null) {
      labels.putAll(svc.getMetadata().getLabels());
    }
    labels.put(SERVICE_NAME, svc.getMetadata().getName());
    labels.put(MANAGED_BY, MANAGER);
    if ("None".equals(svc.getSpec().getClusterIP())) {
      labels.put("service.kubernetes.io/headless", "");
    }
    List<EndpointSlice> out = new ArrayList<>();
    byPorts.forEach((ports, endpoints) -> {
      endpoints.sort(Comparator.comparing(e -> e.getAddresses().get(0)));
      for (int from = 0; from == 0 || from < endpoints.size(); from += MAX_ENDPOINTS) {
        List<Endpoint> chunk = new ArrayList<>(endpoints.subList(from, Math.min(endpoints.size(),
            from + MAX_ENDPOINTS)));
        out.add(new EndpointSliceBuilder().withNewMetadata().withNamespace(svc.getMetadata().getNamespace())
            .withGenerateName(svc.getMetadata().getName() + "-").withLabels(new LinkedHashMap<>(labels))
            .withOwnerReferences(Owners.controllerRef(svc)).endMetadata()
            .withAddressType("IPv4").withEndpoints(chunk).withPorts(ports.isEmpty() ? null : ports).build());
        if (endpoints.isEmpty()) {
          break;
        }
      }
    });
    return out;
  }
}
