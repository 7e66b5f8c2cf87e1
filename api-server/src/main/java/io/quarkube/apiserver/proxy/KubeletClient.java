package io.quarkube.apiserver.proxy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.quarkube.apiserver.ApiServerConfig;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.Registry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * How the API server reaches kubelets: their address and port from the Node object ({@code status.addresses},
 * {@code status.daemonEndpoints.kubeletEndpoint.port}), over TLS with the API server's kubelet-client certificate
 * ({@code quarkube.kubelet-client.cert-file}/{@code key-file}, by default {@code <pki-dir>/apiserver-kubelet-client.*}).
 * The kubelet's serving certificate is checked against {@code quarkube.kubelet-client.ca-file} (default the cluster
 * CA, which signs the launcher's kubelet-serving certificate); set it to an empty value to skip the check as
 * upstream does without {@code --kubelet-certificate-authority}.
 */
@ApplicationScoped
public class KubeletClient {
  private static final Logger LOG = Logger.getLogger(KubeletClient.class);
  /** Upstream's default preference (--kubelet-preferred-address-types), with the IP first: no DNS needed. */
  private static final List<String> ADDRESS_TYPES = List.of("InternalIP", "Hostname", "InternalDNS", "ExternalIP",
      "ExternalDNS");

  private final Registry registry;
  private final HttpClient http;

  public KubeletClient(Registry registry, Vertx vertx, ApiServerConfig config,
      @ConfigProperty(name = "quarkube.kubelet-client.cert-file") Optional<String> certFile,
      @ConfigProperty(name = "quarkube.kubelet-client.key-file") Optional<String> keyFile,
      @ConfigProperty(name = "quarkube.kubelet-client.ca-file") Optional<String> caFile) {
    this.registry = registry;
    String pki = config.pkiDir().orElse(".quarkube/pki");
    String cert = certFile.orElse(pki + "/apiserver-kubelet-client.crt");
    String key = keyFile.orElse(pki + "/apiserver-kubelet-client.key");
    String ca = caFile.orElse(pki + "/ca.crt");
    HttpClientOptions options = new HttpClientOptions().setSsl(true).setConnectTimeout(10_000)
        .setMaxWebSocketFrameSize(1 << 20).setKeepAlive(true).setMaxPoolSize(32);
    if (Files.isReadable(Path.of(cert)) && Files.isReadable(Path.of(key))) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key));
    } else {
      LOG.warnf("no kubelet client certificate at %s: kubelets will refuse logs, exec and port-forward", cert);
    }
    if (!ca.isEmpty() && Files.isReadable(Path.of(ca))) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(ca)).setVerifyHost(true);
    } else {
      options.setTrustAll(true).setVerifyHost(false);
    }
    this.http = vertx.createHttpClient(options);
  }

  public HttpClient http() {
    return http;
  }

  /** Host and port of the kubelet on {@code nodeName}. */
  public Target target(String nodeName) {
    HasMetadata obj = registry.store("", "v1", "nodes").orElseThrow().find(null, nodeName)
        .orElseThrow(() -> ApiException.of(503, "ServiceUnavailable", "node \"" + nodeName + "\" not found"));
    Node node = (Node) obj;
    int port = 10250;
    if (node.getStatus() != null && node.getStatus().getDaemonEndpoints() != null
        && node.getStatus().getDaemonEndpoints().getKubeletEndpoint() != null
        && node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort() != null
        && node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort() > 0) {
      port = node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
    }
    List<NodeAddress> addresses = node.getStatus() == null || node.getStatus().getAddresses() == null ? List.of()
        : node.getStatus().getAddresses();
    for (String type : ADDRESS_TYPES) {
      for (NodeAddress a : addresses) {
        if (type.equals(a.getType()) && a.getAddress() != null && !a.getAddress().isEmpty()) {
          return new Target(a.getAddress(), port);
        }
      }
    }
    throw ApiException.of(503, "ServiceUnavailable", "node \"" + nodeName + "\" has no address to reach its kubelet");
  }

  public record Target(String host, int port) {}
}
