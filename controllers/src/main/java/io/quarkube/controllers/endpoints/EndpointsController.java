package io.quarkube.controllers.endpoints;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps a core/v1 Endpoints object per Service with a selector (upstream's {@code endpoint} controller): the
 * matching pods that have an IP, ready ones in {@code addresses}, the others in {@code notReadyAddresses}, named
 * target ports resolved per pod; subsets grouped by identical port sets.
 */
public final class EndpointsController extends ServiceKeyedController {
  public static final String NAME = "endpoint";

  private final Indexer<Pod> pods;
  private final Indexer<Endpoints> endpoints;
  private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();

  public EndpointsController(ControllerContext ctx) {
    super(NAME, ctx);
    this.pods = watchBackingPods(ctx);
    this.endpoints = ctx.informers().indexer(Endpoints.class);
    watch(ctx.informers(), Endpoints.class, new ResourceEventHandler<Endpoints>() {
      @Override
      public void onAdd(Endpoints e) {}

      @Override
      public void onUpdate(Endpoints o, Endpoints n) {}

      @Override
      public void onDelete(Endpoints e, boolean unknown) {
        enqueue(Keys.of(e)); // someone deleted ours: put it back
      }
    });
  }

  @Override
  protected void reconcile(String key) {
    Service svc = services.getByKey(key);
    Endpoints current = endpoints.getByKey(key);
    if (svc == null) {
      triggerTimes.forget(key);
      if (current != null) {
        try {
          writer.delete(current, null);
        } catch (RuntimeException e) {
          if (!ApiErrors.isNotFound(e)) {
            throw e;
          }
        }
      }
      return;
    }
    if (!ServicePods.hasSelector(svc)) {
      return; // selector-less: the Endpoints are the user's (or the API server's, for default/kubernetes)
    }
    List<Pod> backing = ServicePods.backing(svc, pods);
    List<EndpointSubset> subsets = subsets(svc, backing);
    // Computed on every sync, as upstream, so that the next one compares with what this one saw.
    Instant triggerTime = triggerTimes.compute(svc, backing);
    Map<String, String> labels = new LinkedHashMap<>(svc.getMetadata().getLabels() == null ? Map.of()
        : svc.getMetadata().getLabels());
    if ("None".equals(svc.getSpec().getClusterIP())) {
      labels.put("service.kubernetes.io/headless", "");
    }
    if (current == null) {
      Map<String, String> annotations = new LinkedHashMap<>();
      TriggerTimeTracker.apply(annotations, triggerTime);
      try {
        writer.create(new EndpointsBuilder().withNewMetadata().withNamespace(svc.getMetadata().getNamespace())
            .withName(svc.getMetadata().getName()).withLabels(labels).withAnnotations(annotations).endMetadata()
            .withSubsets(subsets).build());
      } catch (RuntimeException e) {
        if (!ApiErrors.isAlreadyExists(e) && !ApiErrors.isForbidden(e)) {
          throw e;
        }
      }
      return;
    }
    List<EndpointSubset> have = current.getSubsets() == null ? List.of() : current.getSubsets();
    Map<String, String> haveLabels = current.getMetadata().getLabels() == null ? Map.of()
        : current.getMetadata().getLabels();
    if (!Slices.sameJson(have, subsets) || !labels.equals(haveLabels)) {
      // As upstream, the trigger time rides along with a change only; it never causes a write by itself.
      Map<String, String> annotations = new LinkedHashMap<>(current.getMetadata().getAnnotations() == null
          ? Map.of() : current.getMetadata().getAnnotations());
      TriggerTimeTracker.apply(annotations, triggerTime);
      writer.update(new EndpointsBuilder(current).editMetadata().withLabels(labels).withAnnotations(annotations)
          .endMetadata().withSubsets(subsets).build());
    }
  }

  /** Addresses per pod and port, grouped into subsets by identical port lists (upstream's RepackSubsets). */
  static List<EndpointSubset> subsets(Service svc, List<Pod> backing) {
    Map<List<EndpointPort>, List<EndpointAddress>[]> byPorts = new LinkedHashMap<>();
    for (Pod pod : backing) {
      List<EndpointPort> ports = ServicePods.portsOn(svc, pod, (sp, port) -> new EndpointPortBuilder()
          .withName(sp.getName()).withPort(port).withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol())
          .withAppProtocol(sp.getAppProtocol()).build());
      if (ServicePods.hasPorts(svc) && ports.isEmpty()) {
        continue; // none of the service's ports exist on this pod
      }
      ports.sort(Comparator.comparing((EndpointPort p) -> String.valueOf(p.getName())).thenComparing(
          EndpointPort::getPort));
      EndpointAddressBuilder address = new EndpointAddressBuilder().withIp(ServicePods.podIp(pod))
          .withNodeName(pod.getSpec().getNodeName())
          .withNewTargetRef().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endTargetRef();
      if (pod.getSpec().getHostname() != null && Objects.equals(pod.getSpec().getSubdomain(),
          svc.getMetadata().getName())) {
        address.withHostname(pod.getSpec().getHostname());
      }
      @SuppressWarnings("unchecked")
      List<EndpointAddress>[] lists = byPorts.computeIfAbsent(ports, k -> new List[] {new ArrayList<>(),
          new ArrayList<>()});
      lists[ServicePods.ready(svc, pod) ? 0 : 1].add(address.build());
    }
    List<EndpointSubset> out = new ArrayList<>();
    byPorts.forEach((ports, lists) -> {
      lists[0].sort(Comparator.comparing(EndpointAddress::getIp));
      lists[1].sort(Comparator.comparing(EndpointAddress::getIp));
      EndpointSubsetBuilder b = new EndpointSubsetBuilder().withPorts(ports.isEmpty() ? null : ports);
      if (!lists[0].isEmpty()) {
        b.withAddresses(lists[0]);
      }
      if (!lists[1].isEmpty()) {
        b.withNotReadyAddresses(lists[1]);
      }
      out.add(b.build());
    });
    return out;
  }
}
