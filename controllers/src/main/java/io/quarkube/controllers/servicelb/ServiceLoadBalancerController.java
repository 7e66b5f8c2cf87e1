package io.quarkube.controllers.servicelb;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * LoadBalancer Services on bare metal (upstream's {@code service-lb-controller} role, like MetalLB's layer-2 mode
 * without announcements or k3s' ServiceLB): each Service of type LoadBalancer without a {@code loadBalancerClass}
 * gets one address of the configured pool in {@code status.loadBalancer.ingress} ({@code spec.loadBalancerIP} when
 * it is in the pool and free); the proxy then serves that address. A Service that stops being a LoadBalancer gives
 * its address back; a status this controller did not write (no address of the pool) is never touched. Allocation
 * is serialised and derived from the Services' own status (no other state), so a restarted manager sees exactly
 * what is taken.
 */
public final class ServiceLoadBalancerController extends Controller<String> {
  public static final String NAME = "service-lb-controller";

  private final Indexer<Service> services;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final AddressPool pool;
  /** Addresses handed out whose Service's status the cache may not show yet: ip → service key. */
  private final Map<String, String> pending = new HashMap<>();

  public ServiceLoadBalancerController(ControllerContext ctx, String pool) {
    super(NAME);
    this.pool = new AddressPool(pool);
    this.services = ctx.informers().indexer(Service.class);
    this.writer = ctx.writer();
    this.events = ctx.recorder("service-lb-controller");
    ctx.informers().addEventHandler(Service.class, enqueueing(Keys::of));
    waitForSync(ctx.informers(), Service.class);
  }

  @Override
  protected synchronized void reconcile(String key) {
    Service cached = services.getByKey(key);
    if (cached == null) {
      pending.values().removeIf(key::equals);
      return;
    }
    Service svc = Serialization.clone(cached);
    List<LoadBalancerIngress> current = ingress(svc);
    boolean wanted = "LoadBalancer".equals(svc.getSpec().getType()) && svc.getSpec().getLoadBalancerClass() == null
        && svc.getMetadata().getDeletionTimestamp() == null;
    if (!wanted) {
      pending.values().removeIf(key::equals);
      // No longer a LoadBalancer: the address goes back to the pool. A status holding none of the pool's addresses
      // was never ours (a client wrote it, as upstream's service status conformance test does on a ClusterIP
      // Service): left alone, as upstream's service controller never syncs a Service that did not want a load
      // balancer.
      if (svc.getSpec().getLoadBalancerClass() == null
          && current.stream().anyMatch(i -> i.getIp() != null && pool.contains(i.getIp()))) {
        write(svc, List.of());
      }
      return;
    }
    if (!current.isEmpty() && current.stream().allMatch(i -> i.getIp() != null && pool.contains(i.getIp())
        && ownerOf(i.getIp(), key) == null)) {
      return; // has its address
    }
    String ip = choose(svc, key);
    if (ip == null) {
      events.warning(svc, "AllocationFailed", "Failed to allocate IP for \"%s\": no available IPs in the pool", key);
      return;
    }
    pending.put(ip, key);
    write(svc, List.of(new LoadBalancerIngressBuilder().withIp(ip).withIpMode("VIP").build()));
    events.normal(svc, "IPAllocated", "Assigned IP [\"%s\"]", ip);
  }

  private String choose(Service svc, String key) {
    String asked = svc.getSpec().getLoadBalancerIP();
    if (asked != null && !asked.isEmpty()) {
      return pool.contains(asked) && ownerOf(asked, key) == null ? asked : null;
    }
    for (String ip : pool) {
      if (ownerOf(ip, key) == null) {
        return ip;
      }
    }
    return null;
  }

  /** Another Service that holds {@code ip} (by its status, or a write of ours the cache has not shown yet). */
  private String ownerOf(String ip, String self) {
    String p = pending.get(ip);
    if (p != null && !p.equals(self)) {
      Service holder = services.getByKey(p);
      if (holder != null && "LoadBalancer".equals(holder.getSpec().getType())) {
        return p;
      }
      pending.remove(ip);
    }
    for (Service s : services.list()) {
      String k = Keys.of(s);
      if (!k.equals(self) && ingress(s).stream().anyMatch(i -> ip.equals(i.getIp()))) {
        return k;
      }
    }
    return null;
  }

  private void write(Service svc, List<LoadBalancerIngress> ingress) {
    ServiceStatus st = svc.getStatus() == null ? new ServiceStatus() : svc.getStatus();
    if (st.getLoadBalancer() == null) {
      st.setLoadBalancer(new io.fabric8.kubernetes.api.model.LoadBalancerStatus());
    }
    if (Objects.equals(st.getLoadBalancer().getIngress(), ingress)) {
      return;
    }
    st.getLoadBalancer().setIngress(ingress);
    try {
      writer.updateStatus(new ServiceBuilder(svc).withStatus(st).build());
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  private static List<LoadBalancerIngress> ingress(Service s) {
    return s.getStatus() == null || s.getStatus().getLoadBalancer() == null
        || s.getStatus().getLoadBalancer().getIngress() == null ? List.of() : s.getStatus().getLoadBalancer()
        .getIngress();
  }
}
