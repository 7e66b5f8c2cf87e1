package io.quarkube.apiserver.proxy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * {@code pods/[scheme:]<name>[:port]/proxy/<path>}: HTTP to the pod's IP (upstream's pod ResourceLocation): the port
 * given, a named container port, or the first declared container port; scheme http unless {@code https:} is named.
 */
@Singleton
public class PodProxyHandler implements ExtensionHandler {
  private final Registry registry;
  private final HttpProxy proxy;

  public PodProxyHandler(Registry registry, HttpProxy proxy) {
    this.registry = registry;
    this.proxy = proxy;
  }

  @Override
  public String key() {
    return "/pods/proxy";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition definition, RequestInfo info, UserInfo user) {
    if (info.namespace() == null || info.name() == null) {
      throw ApiException.badRequest("a pod name and namespace are required");
    }
    HttpProxy.SchemeNamePort id = HttpProxy.SchemeNamePort.parse(info.name());
    Pod pod = (Pod) registry.store("", "v1", "pods").orElseThrow().get(info.namespace(), id.name());
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null || ip.isEmpty()) {
      throw ApiException.of(503, "ServiceUnavailable", "address not allowed: pod " + id.name()
          + " has no IP yet");
    }
    int port = port(pod, id.port());
    boolean https = "https".equals(id.scheme());
    proxy.forward(ctx, https ? proxy.tls() : proxy.plain(), ip, port, HttpProxy.backendUri(ctx),
        "pod " + info.namespace() + "/" + id.name() + " at " + ip + ":" + port);
  }

  static int port(Pod pod, String requested) {
    if (!requested.isEmpty()) {
      if (requested.chars().allMatch(Character::isDigit)) {
        return Integer.parseInt(requested);
      }
      for (Container c : pod.getSpec().getContainers()) {
        for (ContainerPort p : c.getPorts() == null ? java.util.List.<ContainerPort>of() : c.getPorts()) {
          if (requested.equals(p.getName())) {
            return p.getContainerPort();
          }
        }
      }
      throw ApiException.badRequest("no container port named \"" + requested + "\" in pod "
          + pod.getMetadata().getName());
    }
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getPorts() != null && !c.getPorts().isEmpty()) {
        return c.getPorts().get(0).getContainerPort();
      }
    }
    return 80;
  }
}
