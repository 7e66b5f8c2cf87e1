package io.quarkube.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.Owners;
import io.quarkube.controllers.support.Pods;
import java.time.Instant;
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
public final class EndpointSliceController extends ServiceKeyedController {
  public static final String NAME = "endpointslice";
  public static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  public static final String MANAGER = "endpointslice-controller.k8s.io";
  public static final String SERVICE_NAME = "kubernetes.io/service-name";
  static final int MAX_ENDPOINTS = 100;
  private static final String SLICE_INDEX = "service-name";

  private final Indexer<Pod> pods;
  private final Indexer<EndpointSlice> slices;
  private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();

  public EndpointSliceController(ControllerContext ctx) {
    super(NAME, ctx);
    this.pods = watchBackingPods(ctx);
    this.slices = ctx.informers().indexer(EndpointSlice.class);
    watchIndexed(ctx.informers(), EndpointSlice.class, SLICE_INDEX, s -> serviceKey(s, MANAGER));
  }

  /**
   * The key of the Service a slice belongs to ({@code kubernetes.io/service-name}) when {@code manager} manages it
   * ({@code endpointslice.kubernetes.io/managed-by}); null for others' slices.
   */
  static String serviceKey(EndpointSlice s, String manager) {
    Map<String, String> l = s.getMetadata().getLabels();
    return l != null && manager.equals(l.get(MANAGED_BY)) && l.get(SERVICE_NAME) != null
        ? Keys.of(s.getMetadata().getNamespace(), l.get(SERVICE_NAME)) : null;
  }

  @Override
  protected void reconcile(String key) {
    Service svc = services.getByKey(key);
    if (svc == null) {
      triggerTimes.forget(key);
    }
    // None when the Service went (the GC would delete them too) or stopped selecting pods.
    List<EndpointSlice> wanted = List.of();
    if (svc != null && ServicePods.hasSelector(svc)) {
      List<Pod> backing = ServicePods.backing(svc, pods);
      wanted = desired(svc, backing, triggerTimes.compute(svc, backing));
    }
    Slices.sync(writer, Slices.existing(slices, SLICE_INDEX, key), wanted);
  }

  /**
   * The slices the service should have (names left to the API server's generateName), with the trigger time
   * annotation when there is one ({@link Slices#sync} writes it only with another change).
   */
  List<EndpointSlice> desired(Service svc, List<Pod> backing, Instant triggerTime) {
    Map<List<EndpointPort>, List<Endpoint>> byPorts = new LinkedHashMap<>();
    for (Pod pod : backing) {
      List<EndpointPort> ports = ServicePods.portsOn(svc, pod, (sp, port) -> new EndpointPortBuilder()
          .withName(sp.getName() == null ? "" : sp.getName()).withPort(port)
          .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol()).withAppProtocol(sp.getAppProtocol())
          .build());
      if (ServicePods.hasPorts(svc) && ports.isEmpty()) {
        continue;
      }
      ports.sort(Comparator.comparing(EndpointPort::getName).thenComparing(EndpointPort::getPort));
      // Upstream's podToEndpoint: serving is the pod's own readiness, whatever the Service publishes; ready is what
      // consumers route to: serving and not terminating, or anything when the Service publishes not-ready addresses.
      boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
      boolean serving = Pods.isReady(pod);
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
    Map<String, String> annotations = new LinkedHashMap<>();
    TriggerTimeTracker.apply(annotations, triggerTime);
    List<EndpointSlice> out = new ArrayList<>();
    byPorts.forEach((ports, endpoints) -> {
      endpoints.sort(Comparator.comparing(e -> e.getAddresses().get(0)));
      for (int from = 0; from == 0 || from < endpoints.size(); from += MAX_ENDPOINTS) {
        List<Endpoint> chunk = new ArrayList<>(endpoints.subList(from, Math.min(endpoints.size(),
            from + MAX_ENDPOINTS)));
        out.add(new EndpointSliceBuilder().withNewMetadata().withNamespace(svc.getMetadata().getNamespace())
            .withGenerateName(svc.getMetadata().getName() + "-").withLabels(new LinkedHashMap<>(labels))
            .withAnnotations(new LinkedHashMap<>(annotations)).withOwnerReferences(Owners.controllerRef(svc))
            .endMetadata()
            .withAddressType("IPv4").withEndpoints(chunk).withPorts(ports.isEmpty() ? null : ports).build());
        if (endpoints.isEmpty()) {
          break;
        }
      }
    });
    return out;
  }
}
