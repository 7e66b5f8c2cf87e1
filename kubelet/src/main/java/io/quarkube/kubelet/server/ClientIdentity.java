package io.quarkube.kubelet.server;

import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who is calling the kubelet API, from the TLS client certificate (the server already checked it chains to the
 * cluster CA). Upstream asks the API server with a SubjectAccessReview on {@code nodes/proxy}; here the callers that
 * may stream from containers are fixed: the API server's kubelet-client identity and cluster admins
 * ({@code system:masters}). Everyone else gets 403.
 */
final class ClientIdentity {
  static final String APISERVER_CLIENT = "kube-apiserver-kubelet-client";
  static final String MASTERS = "system:masters";

  private ClientIdentity() {}

  record Subject(String user, List<String> groups) {}

  static void require(RoutingContext rc) {
    Subject subject = subject(rc);
    if (subject == null) {
      Errors.send(rc, 401, "Unauthorized", "Unauthorized");
      return;
    }
    if (!APISERVER_CLIENT.equals(subject.user()) && !subject.groups().contains(MASTERS)) {
      Errors.send(rc, 403, "Forbidden", "User \"" + subject.user() + "\" is forbidden to use the kubelet API");
      return;
    }
    rc.next();
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
