package io.quarkube.apiserver.proxy;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code services/[scheme:]<name>[:port]/proxy/<path>}: HTTP to one ready endpoint of the Service, picked at random
 * (upstream's service ResourceLocation): the port is a service port's name or number (default: the only port), its
 * endpoint port found by name in the Service's Endpoints.
 */
@Singleton
public class ServiceProxyHandler implements ExtensionHandler {
  private final Registry registry;
  private final HttpProxy proxy;

  public ServiceProxyHandler(Registry registry, HttpProxy proxy) {
    this.registry = registry;
    this.proxy = proxy;
  }

  @Override
  public String key() {
    return "/services/proxy";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition definition, RequestInfo info, UserInfo user) {
    if (info.namespace() == null || info.name() == null) {
      throw ApiException.badRequest("a service name and namespace are required");
    }
    HttpProxy.SchemeNamePort id = HttpProxy.SchemeNamePort.parse(info.name());
    Service service = (Service) registry.store("", "v1", "services").orElseThrow().get(info.namespace(), id.name());
    ServicePort servicePort = servicePort(service, id.port());
    Endpoints endpoints = (Endpoints) registry.store("", "v1", "endpoints").orElseThrow()
        .find(info.namespace(), id.name()).orElse(null);
    List<String[]> candidates = new ArrayList<>();
    if (endpoints != null && endpoints.getSubsets() != null) {
      for (EndpointSubset subset : endpoints.getSubsets()) {
        for (EndpointPort p : subset.getPorts() == null ? List.<EndpointPort>of() : subset.getPorts()) {
          boolean match = servicePort.getName() == null || servicePort.getName().isEmpty()
              ? subset.getPorts().size() == 1 : servicePort.getName().equals(p.getName());
          if (!match) {
            continue;
          }
          for (EndpointAddress a : subset.getAddresses() == null ? List.<EndpointAddress>of()
              : subset.getAddresses()) {
            candidates.add(new String[] {a.getIp(), Integer.toString(p.getPort())});
          }
        }
      }
    }
    if (candidates.isEmpty()) {
      throw ApiException.of(503, "ServiceUnavailable", "no endpoints available for service \"" + id.name() + "\"");
    }
    String[] chosen = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    boolean https = "https".equals(id.scheme());
    proxy.forward(ctx, https ? proxy.tls() : proxy.plain(), chosen[0], Integer.parseInt(chosen[1]),
        HttpProxy.backendUri(ctx), "service " + info.namespace() + "/" + id.name() + " at " + chosen[0] + ":"
            + chosen[1]);
  }

  static ServicePort servicePort(Service service, String requested) {
    List<ServicePort> ports = service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
    if (requested.isEmpty()) {
      if (ports.size() == 1) {
        return ports.get(0);
      }
      throw ApiException.of(503, "ServiceUnavailable", "no port named \"\" in service \""
          + service.getMetadata().getName() + "\" (it has several ports: name one)");
    }
    for (ServicePort p : ports) {
      if (requested.equals(p.getName()) || requested.equals(Integer.toString(p.getPort()))) {
        return p;
      }
    }
    throw ApiException.of(503, "ServiceUnavailable", "no service port \"" + requested + "\" found for service \""
        + service.getMetadata().getName() + "\"");
  }
}
