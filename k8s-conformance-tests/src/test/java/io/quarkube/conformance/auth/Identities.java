package io.quarkube.conformance.auth;

import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The cluster's identities as a client sees them: the state folder's component kubeconfigs, kubeconfigs made on
 * the fly (no credentials, a bearer token, a certificate from another CA), and an HTTP client that trusts the
 * cluster CA but presents nothing.
 */
final class Identities {
  private Identities() {}

  static Path stateDir() {
    return io.quarkube.conformance.Cluster.stateDir();
  }

  static Path kubeconfig(String component) {
    return stateDir().resolve(component + ".kubeconfig");
  }

  private static String adminKubeconfig() {
    try {
      return Files.readString(Cluster.kubeconfig(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String field(String name) {
    Matcher m = Pattern.compile("(?m)^\\s*" + name + ":\\s*(\\S+)\\s*$").matcher(adminKubeconfig());
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in the admin kubeconfig");
    }
    return m.group(1);
  }

  static String server() {
    return field("server");
  }

  static byte[] caPem() {
    return Base64.getDecoder().decode(field("certificate-authority-data"));
  }

  /** A kubeconfig for the cluster with the given user stanza (YAML lines under {@code user:}), or none. */
  static Path kubeconfigWithUser(Path dir, String name, String userYaml) throws IOException {
    String config = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " + server()
        + "\n    certificate-authority-data: " + field("certificate-authority-data") + "\nusers:\n- name: u\n  user:"
        + (userYaml.isEmpty() ? " {}\n" : "\n" + userYaml.indent(4)) + "contexts:\n- name: c\n  context:\n"
        + "    cluster: c\n    user: u\ncurrent-context: c\n";
    Path p = dir.resolve(name + ".kubeconfig");
    Files.writeString(p, config);
    return p;
  }

  /** Stock kubectl with another kubeconfig (the last --kubeconfig wins over the admin one). */
  static Kubectl.Result kubectlWith(Path kubeconfig, String... args) {
    List<String> all = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString()));
    all.addAll(List.of(args));
    return Kubectl.stock().run(all.toArray(String[]::new));
  }

  /** An HTTP client that trusts the cluster CA and presents no client certificate (an anonymous caller). */
  static HttpClient anonymousHttp() {
    try (InputStream in = new java.io.ByteArrayInputStream(caPem())) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return HttpClient.newBuilder().sslContext(ssl).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
