package io.quarkube.proxy.nft;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.quarkube.proxy.dns.ClusterView;
import io.quarkube.proxy.dns.DnsAnswerer;
import io.quarkube.proxy.dns.DnsServer;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The cluster DNS server as the proxy runs it (bound to the wildcard address), started by {@link ClusterDnsRedirectTest}
 * inside a network namespace, answering {@code web.default.svc.cluster.local} with 10.96.0.20. Prints "ready".
 */
public final class ClusterDnsServerMain {
  private ClusterDnsServerMain() {}

  public static void main(String[] args) throws Exception {
    Service web = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
        .withNewSpec().withClusterIP("10.96.0.20").withClusterIPs("10.96.0.20")
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build();
    ClusterView view = new ClusterView() {
      @Override
      public Service service(String namespace, String name) {
        return namespace.equals("default") && name.equals("web") ? web : null;
      }

      @Override
      public List<EndpointSlice> slices(String namespace, String service) {
        return List.of();
      }

      @Override
      public Collection<Service> services() {
        return List.of(web);
      }
    };
    DnsServer server = new DnsServer(new DnsAnswerer(view, "cluster.local", 5, Optional.empty()), "0.0.0.0",
        Integer.parseInt(args[0]));
    server.start();
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
