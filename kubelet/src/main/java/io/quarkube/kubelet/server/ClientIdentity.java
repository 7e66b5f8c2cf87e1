package io.quarkube.kubelet.server;

import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who is calling the kubelet API by the TLS client certificate (the handshake already checked it chains to the cluster
 * CA): CN is the user, every O a group. {@link KubeletAuth} decides what such a caller may do.
 */
final class ClientIdentity {
  private ClientIdentity() {}

  record Subject(String user, List<String> groups, String uid, Map<String, List<String>> extra) {
    Subject(String user, List<String> groups) {
      this(user, groups, null, null);
    }
  }

  static Subject subject(RoutingContext rc) {
    try {
      if (rc.request().sslSession() == null) {
        return null;
      }
      Certificate[] chain = rc.request().sslSession().getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
        return null;
      }
      return parse(cert.getSubjectX500Principal().getName());
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** CN is the user, every O a group (as the API server reads client certificates). */
  static Subject parse(String distinguishedName) {
    String cn = null;
    List<String> groups = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(distinguishedName).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          cn = rdn.getValue().toString();
        } else if ("O".equalsIgnoreCase(rdn.getType())) {
          groups.add(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return cn == null ? null : new Subject(cn, groups);
  }
}
