package io.quarkube.controllers.certificates;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * The cluster CA as a signer (upstream's {@code --cluster-signing-cert-file}/{@code -key-file}): issues a
 * certificate for a parsed request with the usages the CSR asks for, valid from five minutes ago (clock skew,
 * as upstream backdates) for the requested duration, never past the CA's own expiry.
 */
final class ClusterSigner {
  static final Duration BACKDATE = Duration.ofMinutes(5);
  private final X509Certificate ca;
  private final PrivateKey key;
  private final SecureRandom random = new SecureRandom();

  ClusterSigner(X509Certificate ca, PrivateKey key) {
    this.ca = ca;
    this.key = key;
  }

  static ClusterSigner load(Path certFile, Path keyFile) throws IOException {
    try (var in = Files.newInputStream(certFile); PEMParser keys = new PEMParser(Files.newBufferedReader(keyFile))) {
      X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      Object k = keys.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      PrivateKey key = k instanceof PEMKeyPair pair ? converter.getKeyPair(pair).getPrivate()
          : converter.getPrivateKey((PrivateKeyInfo) k);
      return new ClusterSigner(ca, key);
    } catch (CertificateException | ClassCastException e) {
      throw new IOException("cannot read the signing CA " + certFile + " / " + keyFile + ": " + e, e);
    }
  }

  X509Certificate ca() {
    return ca;
  }

  /** The PEM certificate for {@code req}, valid for {@code ttl} from now (less the backdate). */
  String sign(CertificateRequest req, List<String> usages, Duration ttl, Instant now) {
    Instant notBefore = now.minus(BACKDATE);
    Instant notAfter = now.plus(ttl);
    if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
      notAfter = ca.getNotAfter().toInstant();
    }
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(X500Name.getInstance(
          ca.getSubjectX500Principal().getEncoded()), new BigInteger(128, random).setBit(127),
          Date.from(notBefore), Date.from(notAfter), req.subject(), req.publicKey());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      int keyUsage = keyUsage(usages);
      if (keyUsage != 0) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      }
      List<KeyPurposeId> purposes = extendedUsages(usages);
      if (!purposes.isEmpty()) {
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
      }
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
      if (req.requestedExtensions() != null
          && req.requestedExtensions().getExtension(Extension.subjectAlternativeName) != null) {
        b.addExtension(req.requestedExtensions().getExtension(Extension.subjectAlternativeName));
      }
      String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      X509CertificateHolder holder = b.build(new JcaContentSignerBuilder(algorithm).build(key));
      StringWriter out = new StringWriter();
      try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
        pem.writeObject(holder);
      }
      return out.toString();
    } catch (IOException | OperatorCreationException | CertificateException
        | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
    }
  }

  private static int keyUsage(List<String> usages) {
    int bits = 0;
    for (String u : usages) {
      bits |= switch (u) {
        case "signing", "digital signature" -> KeyUsage.digitalSignature;
        case "content commitment" -> KeyUsage.nonRepudiation;
        case "key encipherment" -> KeyUsage.keyEncipherment;
        case "key agreement" -> KeyUsage.keyAgreement;
        case "data encipherment" -> KeyUsage.dataEncipherment;
        case "cert sign" -> KeyUsage.keyCertSign;
        case "crl sign" -> KeyUsage.cRLSign;
        case "encipher only" -> KeyUsage.encipherOnly;
        case "decipher only" -> KeyUsage.decipherOnly;
        default -> 0;
      };
    }
    return bits;
  }

  private static List<KeyPurposeId> extendedUsages(List<String> usages) {
    List<KeyPurposeId> out = new ArrayList<>();
    for (String u : usages) {
      KeyPurposeId id = switch (u) {
        case "server auth" -> KeyPurposeId.id_kp_serverAuth;
        case "client auth" -> KeyPurposeId.id_kp_clientAuth;
        case "code signing" -> KeyPurposeId.id_kp_codeSigning;
        case "email protection" -> KeyPurposeId.id_kp_emailProtection;
        case "timestamping" -> KeyPurposeId.id_kp_timeStamping;
        case "ocsp signing" -> KeyPurposeId.id_kp_OCSPSigning;
        case "any" -> KeyPurposeId.anyExtendedKeyUsage;
        default -> null;
      };
      if (id != null && !out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }
}
