package io.quarkube.controllers.certificates;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What each built-in signer accepts, as upstream's csrsigning controller checks it before signing. A request that
 * breaks its signer's rules gets a Failed condition with the reason here instead of a certificate.
 */
final class SignerPolicies {
  static final String KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client";
  static final String KUBELET_CLIENT = "kubernetes.io/kube-apiserver-client-kubelet";
  static final String KUBELET_SERVING = "kubernetes.io/kubelet-serving";
  static final Set<String> SIGNED_HERE = Set.of(KUBE_APISERVER_CLIENT, KUBELET_CLIENT, KUBELET_SERVING);

  private static final Set<String> CLIENT_USAGES = Set.of("digital signature", "key encipherment", "client auth");
  /** A kubelet's certificates use exactly one of these sets (the first is the legacy RSA one). */
  private static final List<Set<String>> KUBELET_CLIENT_USAGES = List.of(
      Set.of("key encipherment", "digital signature", "client auth"), Set.of("digital signature", "client auth"));
  private static final List<Set<String>> KUBELET_SERVING_USAGES = List.of(
      Set.of("key encipherment", "digital signature", "server auth"), Set.of("digital signature", "server auth"));

  private SignerPolicies() {}

  /** Empty when {@code signer} may sign the request, else why not. */
  static Optional<String> violation(String signer, CertificateRequest req, List<String> usages) {
    return switch (signer) {
      case KUBE_APISERVER_CLIENT -> clientUsages(usages);
      case KUBELET_CLIENT -> kubeletClient(req, usages);
      case KUBELET_SERVING -> kubeletServing(req, usages);
      default -> Optional.of("unsupported signer " + signer);
    };
  }

  static Optional<String> kubeletClient(CertificateRequest req, List<String> usages) {
    Optional<String> subject = nodeSubject(req);
    if (subject.isPresent()) {
      return subject;
    }
    if (!req.dnsNames().isEmpty() || !req.emailAddresses().isEmpty() || !req.ipAddresses().isEmpty()
        || !req.uris().isEmpty()) {
      return Optional.of("DNS, email, IP and URI subjectAltNames are not allowed");
    }
    return exactUsages(usages, KUBELET_CLIENT_USAGES);
  }

  private static Optional<String> kubeletServing(CertificateRequest req, List<String> usages) {
    Optional<String> subject = nodeSubject(req);
    if (subject.isPresent()) {
      return subject;
    }
    if (!req.emailAddresses().isEmpty() || !req.uris().isEmpty()) {
      return Optional.of("email and URI subjectAltNames are not allowed");
    }
    if (req.dnsNames().isEmpty() && req.ipAddresses().isEmpty()) {
      return Optional.of("DNS or IP subjectAltName is required");
    }
    return exactUsages(usages, KUBELET_SERVING_USAGES);
  }

  private static Optional<String> nodeSubject(CertificateRequest req) {
    if (!req.organizations().equals(List.of("system:nodes"))) {
      return Optional.of("subject organization is not system:nodes");
    }
    if (!req.commonName().startsWith("system:node:")) {
      return Optional.of("subject common name does not begin with system:node:");
    }
    return Optional.empty();
  }

  private static Optional<String> clientUsages(List<String> usages) {
    for (String usage : usages == null ? List.<String>of() : usages) {
      if (!CLIENT_USAGES.contains(usage)) {
        return Optional.of("invalid usage for client certificate: " + usage);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> exactUsages(List<String> usages, List<Set<String>> allowed) {
    Set<String> u = Set.copyOf(usages == null ? List.of() : usages);
    if (allowed.contains(u)) {
      return Optional.empty();
    }
    return Optional.of("usages did not match " + allowed.stream().map(a -> a.stream().sorted().toList().toString())
        .toList());
  }
}
