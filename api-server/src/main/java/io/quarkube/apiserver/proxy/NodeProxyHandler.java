package io.quarkube.apiserver.proxy;

import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * {@code nodes/<name>/proxy/<path>}: any request to the node's kubelet API (e.g. {@code /stats/summary},
 * {@code /pods}, {@code /healthz}) with the API server's kubelet-client identity. Authorization already asked for
 * {@code nodes/proxy} on the node.
 */
@Singleton
public class NodeProxyHandler implements ExtensionHandler {
  private final KubeletClient kubelets;
  private final HttpProxy proxy;

  public NodeProxyHandler(KubeletClient kubelets, HttpProxy proxy) {
    this.kubelets = kubelets;
    this.proxy = proxy;
  }

  @Override
  public String key() {
    return "/nodes/proxy";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition definition, RequestInfo info, UserInfo user) {
    HttpProxy.SchemeNamePort id = HttpProxy.SchemeNamePort.parse(info.name());
    KubeletClient.Target target = kubelets.target(id.name());
    int port = id.port().isEmpty() ? target.port() : Integer.parseInt(id.port());
    proxy.forward(ctx, kubelets.http(), target.host(), port, HttpProxy.backendUri(ctx),
        "the kubelet of node \"" + id.name() + "\"");
  }
}
