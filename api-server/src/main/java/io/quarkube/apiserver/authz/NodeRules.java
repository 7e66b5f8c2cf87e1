package io.quarkube.apiserver.authz;

import static io.quarkube.apiserver.authz.Rules.read;
import static io.quarkube.apiserver.authz.Rules.verbs;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;

/**
 * What every kubelet may do (upstream's {@code bootstrappolicy.NodeRules}). The Node authorizer narrows reads of
 * secrets, config maps, volumes and service-account tokens to what the node's pods use, and NodeRestriction
 * admission narrows writes to the node's own objects.
 */
public final class NodeRules {
  private NodeRules() {}

  public static List<PolicyRule> rules() {
    return List.of(
        verbs("create").groups("authentication.k8s.io").resources("tokenreviews").rule(),
        verbs("create").groups("authorization.k8s.io").resources("subjectaccessreviews", "localsubjectaccessreviews")
            .rule(),
        read().groups("").resources("services").rule(),
        verbs("create", "get", "list", "watch").groups("").resources("nodes").rule(),
        verbs("update", "patch").groups("").resources("nodes/status").rule(),
        verbs("update", "patch").groups("").resources("nodes").rule(),
        verbs("create", "update", "patch").groups("").resources("events").rule(),
        verbs("create", "update", "patch").groups("events.k8s.io").resources("events").rule(),
        read().groups("").resources("pods").rule(),
        verbs("create", "delete").groups("").resources("pods").rule(),
        verbs("update", "patch").groups("").resources("pods/status").rule(),
        verbs("create").groups("").resources("pods/eviction").rule(),
        read().groups("").resources("secrets", "configmaps").rule(),
        verbs("get").groups("").resources("persistentvolumeclaims", "persistentvolumes").rule(),
        verbs("get").groups("").resources("endpoints").rule(),
        verbs("create", "get", "list", "watch").groups("certificates.k8s.io").resources("certificatesigningrequests")
            .rule(),
        verbs("get", "create", "update", "patch", "delete").groups("coordination.k8s.io").resources("leases").rule(),
        verbs("get").groups("storage.k8s.io").resources("volumeattachments").rule(),
        verbs("create").groups("").resources("serviceaccounts/token").rule(),
        verbs("get", "update", "patch").groups("").resources("persistentvolumeclaims/status").rule(),
        read().groups("storage.k8s.io").resources("csidrivers").rule(),
        verbs("get", "create", "update", "patch", "delete").groups("storage.k8s.io").resources("csinodes").rule(),
        read().groups("node.k8s.io").resources("runtimeclasses").rule());
  }
}
