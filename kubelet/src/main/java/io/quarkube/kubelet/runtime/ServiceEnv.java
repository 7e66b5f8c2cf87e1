package io.quarkube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service environment variables of a container (upstream's kubelet_pods.go getServiceEnvVarMap and
 * pkg/kubelet/envvars): {@code {SVC}_SERVICE_HOST}, {@code {SVC}_SERVICE_PORT[_{NAME}]} and Docker-link style
 * {@code {SVC}_PORT[_{port}_{PROTO}[_PROTO|_PORT|_ADDR]]}, for the services of the pod's namespace (when
 * enableServiceLinks is not false) and always for the master service {@code default/kubernetes}, which client
 * libraries running in pods find the API server by.
 */
public final class ServiceEnv {
  static final String MASTER_NAMESPACE = "default";
  static final String MASTER_SERVICE = "kubernetes";

  private ServiceEnv() {}

  /** The variables a pod of {@code namespace} gets from {@code services} (every namespace's). */
  public static Map<String, String> forPod(String namespace, boolean enableServiceLinks,
      Collection<Service> services) {
    // By name: a service of the pod's own namespace named like the master service replaces it, as upstream.
    Map<String, Service> byName = new TreeMap<>();
    for (Service service : services) {
      if (!hasClusterIp(service)) {
        continue;
      }
      String name = service.getMetadata().getName();
      String ns = service.getMetadata().getNamespace();
      if (MASTER_NAMESPACE.equals(ns) && MASTER_SERVICE.equals(name)) {
        byName.putIfAbsent(name, service);
      } else if (namespace.equals(ns) && enableServiceLinks) {
        byName.put(name, service);
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    byName.values().forEach(s -> env.putAll(of(s)));
    return env;
  }

  /** The variables of one service (upstream's envvars.FromServices for one service). */
  public static Map<String, String> of(Service service) {
    Map<String, String> env = new LinkedHashMap<>();
    var ports = service.getSpec().getPorts();
    if (!hasClusterIp(service) || ports == null || ports.isEmpty()) {
      return env;
    }
    String ip = service.getSpec().getClusterIP();
    String prefix = variableName(service.getMetadata().getName());
    env.put(prefix + "_SERVICE_HOST", ip);
    // The first port keeps the unsuffixed name for compatibility; named ports get one each.
    env.put(prefix + "_SERVICE_PORT", Integer.toString(ports.get(0).getPort()));
    for (ServicePort port : ports) {
      if (port.getName() != null && !port.getName().isEmpty()) {
        env.put(prefix + "_SERVICE_PORT_" + variableName(port.getName()), Integer.toString(port.getPort()));
      }
    }
    // Docker link variables; Docker special-cases the first port as {SVC}_PORT.
    for (int i = 0; i < ports.size(); i++) {
      ServicePort port = ports.get(i);
      String protocol = port.getProtocol() == null || port.getProtocol().isEmpty() ? "TCP" : port.getProtocol();
      String lower = protocol.toLowerCase(Locale.ROOT);
      String url = lower + "://" + hostPort(ip, port.getPort());
      if (i == 0) {
        env.put(prefix + "_PORT", url);
      }
      String portPrefix = prefix + "_PORT_" + port.getPort() + "_" + protocol.toUpperCase(Locale.ROOT);
      env.put(portPrefix, url);
      env.put(portPrefix + "_PROTO", lower);
      env.put(portPrefix + "_PORT", Integer.toString(port.getPort()));
      env.put(portPrefix + "_ADDR", ip);
    }
    return env;
  }

  /** Upstream's IsServiceIPSet: a ClusterIP that is set and not None (headless). */
  static boolean hasClusterIp(Service service) {
    String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
    return ip != null && !ip.isEmpty() && !ip.equals("None");
  }

  /** Upper case, '-' as '_' (upstream's makeEnvVariableName). */
  static String variableName(String name) {
    return name.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static String hostPort(String ip, int port) {
    return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
  }
}
