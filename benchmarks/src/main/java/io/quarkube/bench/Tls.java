package io.quarkube.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** An SSLContext from PEM: the cluster CA to trust, and a client certificate with its PKCS#8 key to present. */
final class Tls {
  private Tls() {}

  static SSLContext context(String caPem, String certPem, String keyPem) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (Certificate c : certificates(cf, caPem)) {
      trust.setCertificateEntry("ca" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    if (certPem != null && keyPem != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      Certificate[] chain = certificates(cf, certPem).toArray(new Certificate[0]);
      keys.setKeyEntry("client", privateKey(keyPem), new char[0], chain);
      kmf.init(keys, new char[0]);
    } else {
      kmf.init(null, null);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static Collection<? extends Certificate> certificates(CertificateFactory cf, String pem) throws Exception {
    return cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  /** The launcher's keys come from `openssl genpkey`: PKCS#8 ("BEGIN PRIVATE KEY"), RSA or EC. */
  static PrivateKey privateKey(String pem) throws Exception {
    if (!pem.contains("BEGIN PRIVATE KEY")) {
      throw new IllegalArgumentException("only PKCS#8 keys (BEGIN PRIVATE KEY) are supported");
    }
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (Exception notRsa) {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
  }
}
