package io.quarkube.apiserver.auth;

import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * x509 client certificates, verified by the TLS layer against the cluster CA: the subject's CN is the user name,
 * each O is a group (upstream's convention, so {@code O=system:masters} is a cluster admin).
 */
public final class ClientCertificateAuthenticator implements Authenticator {
  @Override
  public Optional<UserInfo> authenticate(RoutingContext ctx) {
    if (!ctx.request().isSSL()) {
      return Optional.empty();
    }
    List<Certificate> chain;
    try {
      chain = ctx.request().connection().peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate cert)) {
      return Optional.empty();
    }
    return fromSubject(cert.getSubjectX500Principal().getName());
  }

  static Optional<UserInfo> fromSubject(String dn) {
    try {
      String cn = null;
      List<String> groups = new ArrayList<>();
      for (Rdn rdn : new LdapName(dn).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          groups.add(0, rdn.getValue().toString());
        }
      }
      if (cn == null || cn.isEmpty()) {
        return Optional.empty();
      }
      groups.add("system:authenticated");
      return Optional.of(new UserInfo(cn, "", List.copyOf(groups)));
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }
}
