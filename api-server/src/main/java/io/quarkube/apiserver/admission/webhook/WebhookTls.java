package io.quarkube.apiserver.admission.webhook;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS toward a webhook: the chain must lead to the webhook's {@code caBundle} (the system roots when it has none) and
 * the certificate must name the server — the URL's host, or {@code <service>.<namespace>.svc} for a service
 * reference even though the connection goes to an endpoint IP. The JDK's client checks the host it dials, so the
 * name check is done here, by the trust manager.
 */
final class WebhookTls {
  private WebhookTls() {}

  static SSLContext context(String caBundleBase64, String serverName) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(caBundleBase64 == null || caBundleBase64.isEmpty() ? null : anchors(caBundleBase64));
      X509TrustManager chain = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          chain = x;
        }
      }
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {new NameCheckingTrust(chain, serverName)}, null);
      return ssl;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new WebhookCallException("invalid caBundle: " + e.getMessage());
    }
  }

  private static KeyStore anchors(String caBundleBase64) throws GeneralSecurityException, java.io.IOException {
    byte[] pem = Base64.getDecoder().decode(caBundleBase64.trim());
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
      ks.setCertificateEntry("ca-" + i++, c);
    }
    if (i == 0) {
      throw new CertificateException("no certificate in caBundle");
    }
    return ks;
  }

  /** Go's wording: {@code x509: certificate is valid for a, b, not c}. */
  static void checkName(X509Certificate cert, String serverName) throws CertificateException {
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new CertificateException("x509: " + e.getMessage());
    }
    if (sans != null) {
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        if (type == 2) {
          dns.add(san.get(1).toString());
        } else if (type == 7) {
          ips.add(san.get(1).toString());
        }
      }
    }
    if (isIpLiteral(serverName)) {
      InetAddress want = literal(serverName);
      for (String ip : ips) {
        if (literal(ip).equals(want)) {
          return;
        }
      }
      throw new CertificateException(ips.isEmpty()
          ? "x509: cannot validate certificate for " + serverName + " because it doesn't contain any IP SANs"
          : "x509: certificate is valid for " + String.join(", ", ips) + ", not " + serverName);
    }
    String host = serverName.toLowerCase(Locale.ROOT);
    for (String name : dns) {
      if (dnsMatches(name.toLowerCase(Locale.ROOT), host)) {
        return;
      }
    }
    throw new CertificateException(dns.isEmpty()
        ? "x509: certificate is not valid for any names, but wanted to match " + serverName
        : "x509: certificate is valid for " + String.join(", ", dns) + ", not " + serverName);
  }

  private static boolean dnsMatches(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
    return pattern.equals(host);
  }

  static boolean isIpLiteral(String host) {
    return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
  }

  private static InetAddress literal(String ip) throws CertificateException {
    try {
      return InetAddress.getByName(ip.startsWith("[") ? ip.substring(1, ip.length() - 1) : ip);
    } catch (UnknownHostException e) {
      throw new CertificateException("x509: bad IP " + ip);
    }
  }

  /** Chain validation by the platform's PKIX trust manager, then the server-name check above. */
  private static final class NameCheckingTrust extends X509ExtendedTrustManager {
    private final X509TrustManager chain;
    private final String serverName;

    NameCheckingTrust(X509TrustManager chain, String serverName) {
      this.chain = chain;
      this.serverName = serverName;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
      chain.checkServerTrusted(certs, authType);
      checkName(certs[0], serverName);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(certs, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(certs, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
      throw new CertificateException("a webhook client does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(certs, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(certs, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return chain.getAcceptedIssuers();
    }
  }
}
