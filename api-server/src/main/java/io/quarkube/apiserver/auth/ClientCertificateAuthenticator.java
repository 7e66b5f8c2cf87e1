package io.quarkube.apiserver.auth;

import io.quarkube.apiserver.errors.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * x509 client certificates: the subject's CN is the user name, each O is a group (upstream's convention, so
 * {@code O=system:masters} is a cluster admin). As upstream, TLS only asks for a certificate; this authenticator
 * verifies the chain against the client CA (and the clientAuth usage), so a certificate from another CA gets a
 * clean 401 instead of a failed handshake. Without a client CA (in-process tests) the TLS layer's check stands.
 */
public final class ClientCertificateAuthenticator implements Authenticator {
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";

  /** How many verified chains are remembered at most. */
  private static final int MAX_REMEMBERED = 1024;

  private final Set<TrustAnchor> anchors;
  /** Chains that passed {@link #validate}, with when the first of their certificates expires (epoch millis). */
  private final Map<List<Certificate>, Long> verified = new ConcurrentHashMap<>();

  public ClientCertificateAuthenticator() {
    this.anchors = Set.of();
  }

  public ClientCertificateAuthenticator(Set<TrustAnchor> anchors) {
    this.anchors = Set.copyOf(anchors);
  }

  /** Trust anchors from a PEM bundle (the cluster's {@code ca.crt}). */
  public static Set<TrustAnchor> anchorsFrom(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Set<TrustAnchor> out = new HashSet<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add(new TrustAnchor((X509Certificate) c, null));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the client CA " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the client CA " + pem + ": " + e.getMessage(), e);
    }
  }

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
    if (!anchors.isEmpty()) {
      verify(chain);
    }
    return fromSubject(cert.getSubjectX500Principal().getName());
  }

  /**
   * PKIX path validation to one of the anchors at the current time; 401 when it fails. A chain that passed is
   * remembered until its first certificate expires, so a client's requests after the first cost a map lookup
   * (validation, with its signature checks, was a visible part of every request's CPU).
   */
  void verify(List<Certificate> chain) {
    Long validUntil = verified.get(chain);
    if (validUntil != null && System.currentTimeMillis() <= validUntil) {
      return;
    }
    validate(chain);
    if (verified.size() >= MAX_REMEMBERED) {
      verified.clear(); // a crude bound: a handful of clients is the normal case, a flood only costs revalidation
    }
    verified.put(List.copyOf(chain), expiry(chain));
  }

  private static long expiry(List<Certificate> chain) {
    long min = Long.MAX_VALUE;
    for (Certificate c : chain) {
      min = Math.min(min, ((X509Certificate) c).getNotAfter().getTime());
    }
    return min;
  }

  private void validate(List<Certificate> chain) {
    try {
      X509Certificate leaf = (X509Certificate) chain.get(0);
      List<String> usages = leaf.getExtendedKeyUsage();
      if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
        throw ApiException.unauthorized();
      }
      List<X509Certificate> path = new ArrayList<>();
      for (Certificate c : chain) {
        X509Certificate x = (X509Certificate) c;
        if (anchors.stream().noneMatch(a -> a.getTrustedCert().equals(x))) {
          path.add(x);
        }
      }
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(new Date());
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path),
          params);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw ApiException.unauthorized();
    }
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
      groups.add(UserInfo.AUTHENTICATED);
      return Optional.of(new UserInfo(cn, "", List.copyOf(groups)));
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }
}
