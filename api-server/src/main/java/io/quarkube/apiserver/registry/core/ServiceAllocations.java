package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.StoreHooks;
import io.quarkube.apiserver.storage.Storage;
import io.quarkube.apiserver.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * ClusterIPs from the service range and NodePorts from 30000-32767, each held by its own etcd key created with a
 * "does not exist yet" transaction, so two concurrent creates can never get the same one; released on delete.
 */
public final class ServiceAllocations implements StoreHooks<Service> {
  static final String IP_PREFIX = "/registry/ranges/serviceips/";
  static final String PORT_PREFIX = "/registry/ranges/servicenodeports/";
  private static final int NODE_PORT_MIN = 30000;
  private static final int NODE_PORT_MAX = 32767;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Storage storage;
  private final ServiceRange range;

  public ServiceAllocations(Storage storage, ServiceRange range) {
    this.storage = storage;
    this.range = range;
  }

  public ServiceRange range() {
    return range;
  }

  @Override
  public Undo beginCreate(Service svc, boolean dryRun) {
    List<String> taken = new ArrayList<>();
    try {
      allocate(svc, null, taken, dryRun);
    } catch (RuntimeException e) {
      release(taken);
      throw e;
    }
    return () -> release(taken);
  }

  @Override
  public Undo beginUpdate(Service svc, Service old, boolean dryRun) {
    List<String> taken = new ArrayList<>();
    try {
      allocate(svc, old, taken, dryRun);
    } catch (RuntimeException e) {
      release(taken);
      throw e;
    }
    return () -> release(taken);
  }

  @Override
  public void afterUpdate(Service svc, Service old) {
    Set<String> now = new HashSet<>(keysOf(svc));
    List<String> gone = keysOf(old).stream().filter(k -> !now.contains(k)).toList();
    release(gone);
  }

  @Override
  public void afterDelete(Service svc) {
    release(keysOf(svc));
  }

  private void allocate(Service svc, Service old, List<String> taken, boolean dryRun) {
    ServiceSpec spec = svc.getSpec();
    String type = Objects.toString(spec.getType(), "ClusterIP");
    if ("ExternalName".equals(type)) {
      return;
    }
    Set<String> held = old == null ? Set.of() : new HashSet<>(keysOf(old));
    String ip = spec.getClusterIP();
    if (ip == null || ip.isEmpty()) {
      ip = old != null && old.getSpec().getClusterIP() != null ? old.getSpec().getClusterIP() : null;
    }
    if (!"None".equals(ip)) {
      if (ip == null || ip.isEmpty()) {
        ip = allocateIp(taken, dryRun);
      } else if (!held.contains(IP_PREFIX + ip)) {
        if (!range.contains(ip)) {
          throw invalid(svc, "spec.clusterIPs", ip, "failed to allocate IP " + ip + ": the provided IP ("
              + ip + ") is not in the valid range. The range of valid IPs is " + range);
        }
        if (!reserve(IP_PREFIX + ip, svc, taken, dryRun)) {
          throw invalid(svc, "spec.clusterIPs", ip, "failed to allocate IP " + ip
              + ": provided IP is already allocated");
        }
      }
      spec.setIpFamilies(List.of("IPv4"));
      spec.setIpFamilyPolicy(spec.getIpFamilyPolicy() == null ? "SingleStack" : spec.getIpFamilyPolicy());
    }
    spec.setClusterIP(ip);
    spec.setClusterIPs(List.of(ip));
    if ("NodePort".equals(type) || "LoadBalancer".equals(type)) {
      for (int i = 0; i < spec.getPorts().size(); i++) {
        ServicePort p = spec.getPorts().get(i);
        Integer port = p.getNodePort();
        if ((port == null || port == 0) && old != null) {
          port = previousNodePort(old, p);
        }
        if (port == null || port == 0) {
          p.setNodePort(allocatePort(taken, dryRun));
        } else if (!held.contains(PORT_PREFIX + port)) {
          if (port < NODE_PORT_MIN || port > NODE_PORT_MAX) {
            throw invalid(svc, "spec.ports[" + i + "].nodePort", port, "provided port is not in the valid range. "
                + "The range of valid ports is " + NODE_PORT_MIN + "-" + NODE_PORT_MAX);
          }
          if (!reserve(PORT_PREFIX + port, svc, taken, dryRun)) {
            throw invalid(svc, "spec.ports[" + i + "].nodePort", port, "provided port is already allocated");
          }
          p.setNodePort(port);
        } else {
          p.setNodePort(port);
        }
      }
    } else {
      spec.getPorts().forEach(p -> p.setNodePort(null));
    }
  }

  private static Integer previousNodePort(Service old, ServicePort p) {
    for (ServicePort o : old.getSpec().getPorts() == null ? List.<ServicePort>of() : old.getSpec().getPorts()) {
      if (Objects.equals(o.getPort(), p.getPort()) && Objects.equals(o.getProtocol(), p.getProtocol())) {
        return o.getNodePort();
      }
    }
    return null;
  }

  private String allocateIp(List<String> taken, boolean dryRun) {
    for (int attempt = 0; attempt < 64; attempt++) {
      String ip = range.random(RANDOM);
      if (reserve(IP_PREFIX + ip, null, taken, dryRun)) {
        return ip;
      }
    }
    throw ApiException.internal("failed to allocate a serviceIP: range is full");
  }

  private int allocatePort(List<String> taken, boolean dryRun) {
    for (int attempt = 0; attempt < 64; attempt++) {
      int port = NODE_PORT_MIN + RANDOM.nextInt(NODE_PORT_MAX - NODE_PORT_MIN + 1);
      if (reserve(PORT_PREFIX + port, null, taken, dryRun)) {
        return port;
      }
    }
    throw ApiException.internal("failed to allocate a nodePort: range is full");
  }

  /** Reserves a key; a dry run only checks that it is free. */
  private boolean reserve(String key, Service svc, List<String> taken, boolean dryRun) {
    if (dryRun) {
      return storage.get(key).isEmpty();
    }
    try {
      storage.create(key, "1".getBytes(StandardCharsets.UTF_8));
      taken.add(key);
      return true;
    } catch (StorageException.KeyExists e) {
      return false;
    }
  }

  /**
   * Frees the range's first address while {@code default/kubernetes} does not exist: random allocation never
   * hands it out, so whatever holds it is left over from a Service that is gone.
   */
  public void releaseBootstrapIp() {
    release(List.of(IP_PREFIX + range.first()));
  }

  private void release(List<String> keys) {
    for (String k : keys) {
      storage.get(k).ifPresent(v -> {
        try {
          storage.delete(k, v.modRevision());
        } catch (StorageException e) {
          // Already released.
        }
      });
    }
  }

  private static List<String> keysOf(Service svc) {
    List<String> keys = new ArrayList<>();
    ServiceSpec spec = svc.getSpec();
    if (spec == null) {
      return keys;
    }
    if (spec.getClusterIP() != null && !spec.getClusterIP().isEmpty() && !"None".equals(spec.getClusterIP())) {
      keys.add(IP_PREFIX + spec.getClusterIP());
    }
    if (spec.getPorts() != null) {
      for (ServicePort p : spec.getPorts()) {
        if (p.getNodePort() != null && p.getNodePort() != 0) {
          keys.add(PORT_PREFIX + p.getNodePort());
        }
      }
    }
    return keys;
  }

  private static ApiException invalid(Service svc, String field, Object value, String detail) {
    return ApiException.invalid("", "Service", svc.getMetadata().getName(),
        List.of(FieldError.invalid(field, value, detail)));
  }
}
