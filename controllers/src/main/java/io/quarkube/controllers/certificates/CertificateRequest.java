package io.quarkube.controllers.certificates;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A PEM PKCS#10 request ({@code spec.request}, base64 of the PEM in the API), parsed and signature-checked: the
 * subject (CN, O) and the subject alternative names the signers' policies look at.
 */
record CertificateRequest(X500Name subject, String commonName, List<String> organizations, List<String> dnsNames,
    List<String> ipAddresses, List<String> emailAddresses, List<String> uris, PublicKey publicKey,
    Extensions requestedExtensions) {

  /** Parses {@code spec.request} (the PEM bytes); throws IllegalArgumentException with upstream-like text. */
  static CertificateRequest parse(String requestBase64) {
    String pem;
    try {
      pem = new String(Base64.getDecoder().decode(requestBase64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
    }
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException e) {
      throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
    }
    if (!(parsed instanceof PKCS10CertificationRequest raw)) {
      throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
    }
    try {
      JcaPKCS10CertificationRequest req = new JcaPKCS10CertificationRequest(raw);
      PublicKey key = req.getPublicKey();
      if (!req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new IllegalArgumentException("x509: ECDSA verification failure");
      }
      X500Name subject = req.getSubject();
      Extensions extensions = extensions(req);
      List<String> dns = new ArrayList<>();
      List<String> ips = new ArrayList<>();
      List<String> emails = new ArrayList<>();
      List<String> uris = new ArrayList<>();
      GeneralNames sans = extensions == null ? null
          : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      if (sans != null) {
        for (GeneralName n : sans.getNames()) {
          switch (n.getTagNo()) {
            case GeneralName.dNSName -> dns.add(((ASN1String) n.getName()).getString());
            case GeneralName.rfc822Name -> emails.add(((ASN1String) n.getName()).getString());
            case GeneralName.uniformResourceIdentifier -> uris.add(((ASN1String) n.getName()).getString());
            case GeneralName.iPAddress -> ips.add(ip(((DEROctetString) n.getName()).getOctets()));
            default -> { }
          }
        }
      }
      return new CertificateRequest(subject, first(subject, BCStyle.CN), all(subject, BCStyle.O), dns, ips, emails,
          uris, key, extensions);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("unable to parse the certificate request: " + e.getMessage());
    }
  }

  private static Extensions extensions(JcaPKCS10CertificationRequest req) {
    for (Attribute a : req.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (ASN1Encodable v : a.getAttributeValues()) {
        return Extensions.getInstance(v);
      }
    }
    return null;
  }

  private static String first(X500Name name, ASN1ObjectIdentifier type) {
    List<String> values = all(name, type);
    return values.isEmpty() ? "" : values.get(0);
  }

  private static List<String> all(X500Name name, ASN1ObjectIdentifier type) {
    List<String> out = new ArrayList<>();
    for (RDN rdn : name.getRDNs(type)) {
      out.add(((ASN1String) rdn.getFirst().getValue()).getString());
    }
    return out;
  }

  private static String ip(byte[] octets) {
    try {
      return java.net.InetAddress.getByAddress(octets).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return "";
    }
  }
}
