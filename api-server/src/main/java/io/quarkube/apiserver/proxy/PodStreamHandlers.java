package io.quarkube.apiserver.proxy;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * {@code pods/exec}, {@code pods/attach} and {@code pods/portforward}: GET (WebSocket) or POST (SPDY) upgrade
 * requests, tunnelled to the kubelet of the pod's node ({@code /exec/<ns>/<pod>/<container>},
 * {@code /attach/...}, {@code /portForward/<ns>/<pod>}), after admission with operation CONNECT
 * ({@link ConnectAdmission}).
 */
public final class PodStreamHandlers {
  private PodStreamHandlers() {}

  /** Query parameters of PodExecOptions / PodAttachOptions passed to the kubelet. */
  private static final List<String> STREAM_OPTIONS = List.of("stdin", "stdout", "stderr", "tty", "command");

  abstract static class ContainerStream implements ExtensionHandler {
    private final Registry registry;
    private final KubeletClient kubelets;
    private final String verb;

    ContainerStream(Registry registry, KubeletClient kubelets, String verb) {
      this.registry = registry;
      this.kubelets = kubelets;
      this.verb = verb;
    }

    @Override
    public String key() {
      return "/pods/" + verb;
    }

    @Override
    public void handle(RoutingContext ctx, ResourceDefinition definition, RequestInfo info, UserInfo user) {
      if (!"get".equals(info.verb()) && !"create".equals(info.verb())) {
        throw ApiException.methodNotSupported("", "pods/" + verb, info.verb());
      }
      MultiMap q = ctx.queryParams();
      ConnectAdmission.admit(definition, info, user, verb, q);
      Pod pod = PodContainers.pod(registry, info);
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        throw ApiException.badRequest("cannot " + verb + " into a container in a completed pod; current phase is "
            + phase);
      }
      String container = PodContainers.container(pod, q.get("container"));
      String node = PodContainers.node(pod, container);
      KubeletClient.Target target = kubelets.target(node);
      StringBuilder uri = new StringBuilder("/").append(verb).append('/')
          .append(PodContainers.encode(info.namespace())).append('/').append(PodContainers.encode(info.name()))
          .append('/').append(PodContainers.encode(container));
      char sep = '?';
      for (String name : STREAM_OPTIONS) {
        for (String v : q.getAll(name)) {
          uri.append(sep).append(name).append('=').append(PodContainers.encode(v));
          sep = '&';
        }
      }
      UpgradeTunnel.open(ctx, kubelets, node, target, uri.toString());
    }
  }

  @Singleton
  public static class Exec extends ContainerStream {
    public Exec(Registry registry, KubeletClient kubelets) {
      super(registry, kubelets, "exec");
    }
  }

  @Singleton
  public static class Attach extends ContainerStream {
    public Attach(Registry registry, KubeletClient kubelets) {
      super(registry, kubelets, "attach");
    }
  }

  @Singleton
  public static class PortForward implements ExtensionHandler {
    private final Registry registry;
    private final KubeletClient kubelets;

    public PortForward(Registry registry, KubeletClient kubelets) {
      this.registry = registry;
      this.kubelets = kubelets;
    }

    @Override
    public String key() {
      return "/pods/portforward";
    }

    @Override
    public void handle(RoutingContext ctx, ResourceDefinition definition, RequestInfo info, UserInfo user) {
      if (!"get".equals(info.verb()) && !"create".equals(info.verb())) {
        throw ApiException.methodNotSupported("", "pods/portforward", info.verb());
      }
      ConnectAdmission.admit(definition, info, user, "portforward", ctx.queryParams());
      Pod pod = PodContainers.pod(registry, info);
      String node = pod.getSpec().getNodeName();
      if (node == null || node.isEmpty()) {
        throw ApiException.badRequest("pod " + info.name() + " does not have a host assigned");
      }
      if (!"Running".equals(pod.getStatus() == null ? null : pod.getStatus().getPhase())) {
        throw ApiException.badRequest("pod is not running - current status " + (pod.getStatus() == null ? "Pending"
            : pod.getStatus().getPhase()));
      }
      KubeletClient.Target target = kubelets.target(node);
      StringBuilder uri = new StringBuilder("/portForward/").append(PodContainers.encode(info.namespace()))
          .append('/').append(PodContainers.encode(info.name()));
      char sep = '?';
      for (String p : ctx.queryParams().getAll("ports")) {
        uri.append(sep).append("port=").append(PodContainers.encode(p));
        sep = '&';
      }
      UpgradeTunnel.open(ctx, kubelets, node, target, uri.toString());
    }
  }
}
