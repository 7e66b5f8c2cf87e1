package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.quarkube.apiserver.auth.UserInfo;
import java.util.List;
import java.util.Optional;

/**
 * Upstream's Node authorizer for kubelets ({@code system:node:<name>} in {@code system:nodes}): a node reads only
 * the secrets, config maps, claims and volumes its own pods use, asks tokens only for its pods' service accounts,
 * touches only its own Lease and CSINode, gets only the VolumeAttachments to itself, and otherwise gets the fixed
 * {@link NodeRules}.
 */
public final class NodeAuthorizer implements AccessAuthorizer {
  public static final String NODES_GROUP = "system:nodes";
  public static final String NODE_PREFIX = "system:node:";

  private final NodeGraph graph;
  private final List<PolicyRule> nodeRules = NodeRules.rules();

  public NodeAuthorizer(NodeGraph graph) {
    this.graph = graph;
  }

  /** The node a user is, if it is one (upstream's {@code NodeIdentity}). */
  public static Optional<String> nodeName(UserInfo user) {
    if (user == null || !user.inGroup(NODES_GROUP) || !user.name().startsWith(NODE_PREFIX)) {
      return Optional.empty();
    }
    return Optional.of(user.name().substring(NODE_PREFIX.length()));
  }

  @Override
  public Verdict authorize(Attributes a) {
    Optional<String> node = nodeName(a.user());
    if (node.isEmpty()) {
      return Verdict.NO_OPINION;
    }
    String nodeName = node.get();
    if (nodeName.isEmpty()) {
      return Verdict.noOpinion("unknown node");
    }
    if (a.resourceRequest() && a.apiGroup().isEmpty()) {
      switch (a.resource()) {
        case "secrets", "configmaps" -> {
          return readNamespaced(nodeName, a);
        }
        case "persistentvolumeclaims" -> {
          if ("status".equals(a.subresource())) {
            return a.verb().matches("get|update|patch") ? related(nodeName, a) : Verdict.noOpinion(
                "can only get, update or patch the status of this type");
          }
          return a.verb().equals("get") && a.subresource().isEmpty() ? related(nodeName, a)
              : Verdict.noOpinion("can only get individual resources of this type");
        }
        case "persistentvolumes" -> {
          return a.verb().equals("get") && a.subresource().isEmpty() ? related(nodeName, a)
              : Verdict.noOpinion("can only get individual resources of this type");
        }
        case "serviceaccounts" -> {
          if (!"token".equals(a.subresource()) || !a.verb().equals("create")) {
            return Verdict.noOpinion("can only create tokens for individual service accounts");
          }
          return related(nodeName, a);
        }
        default -> { }
      }
    }
    if (a.resourceRequest() && "storage.k8s.io".equals(a.apiGroup())) {
      switch (a.resource()) {
        case "csinodes" -> {
          return csiNode(nodeName, a);
        }
        case "volumeattachments" -> {
          if (!a.verb().equals("get") || !a.subresource().isEmpty()) {
            return Verdict.noOpinion("can only get individual resources of this type");
          }
          return nodeName.equals(graph.attachmentNode(a.name())) ? Verdict.allow("")
              : Verdict.noOpinion("no relationship found between node '" + nodeName + "' and this object");
        }
        default -> { }
      }
    }
    if (a.resourceRequest() && "coordination.k8s.io".equals(a.apiGroup()) && "leases".equals(a.resource())) {
      if (!"kube-node-lease".equals(a.namespace())) {
        return Verdict.noOpinion("can only access leases in the kube-node-lease namespace");
      }
      if (!a.verb().equals("create") && !nodeName.equals(a.name())) {
        return Verdict.noOpinion("can only access node lease with the same name as the requesting node");
      }
    }
    return RuleMatcher.anyAllows(nodeRules, a) ? Verdict.allow("") : Verdict.NO_OPINION;
  }

  /**
   * Upstream's authorizeCSINode: a node gets, updates, patches and deletes only the CSINode of its own name; a create
   * is left to NodeRestriction, which sees the name in the body.
   */
  private static Verdict csiNode(String nodeName, Attributes a) {
    if (!a.verb().matches("get|create|update|patch|delete")) {
      return Verdict.noOpinion("can only get, create, update, patch, or delete a CSINode");
    }
    if (!a.subresource().isEmpty()) {
      return Verdict.noOpinion("cannot authorize CSINode subresources");
    }
    if (!a.verb().equals("create") && !nodeName.equals(a.name())) {
      return Verdict.noOpinion("can only access CSINode with the same name as the requesting node");
    }
    return Verdict.allow("");
  }

  private Verdict readNamespaced(String nodeName, Attributes a) {
    if (!a.verb().matches("get|list|watch")) {
      return Verdict.noOpinion("can only read resources of this type");
    }
    if (!a.subresource().isEmpty()) {
      return Verdict.noOpinion("cannot read subresource");
    }
    if (a.namespace().isEmpty()) {
      return Verdict.noOpinion("can only read namespaced object of this type");
    }
    return related(nodeName, a);
  }

  private Verdict related(String nodeName, Attributes a) {
    if (a.name().isEmpty()) {
      return Verdict.noOpinion("No Object name found");
    }
    boolean ok = switch (a.resource()) {
      case "secrets" -> graph.podsOn(nodeName, a.namespace()).stream().anyMatch(p -> PodReferences.secrets(p)
          .contains(a.name()));
      case "configmaps" -> graph.podsOn(nodeName, a.namespace()).stream().anyMatch(p -> PodReferences.configMaps(p)
          .contains(a.name()));
      case "persistentvolumeclaims" -> graph.podsOn(nodeName, a.namespace()).stream().anyMatch(p -> PodReferences
          .claims(p).contains(a.name()));
      case "serviceaccounts" -> graph.podsOn(nodeName, a.namespace()).stream().anyMatch(p -> a.name().equals(
          PodReferences.serviceAccount(p)));
      case "persistentvolumes" -> persistentVolumeUsed(nodeName, a.name());
      default -> false;
    };
    return ok ? Verdict.allow("") : Verdict.noOpinion("no relationship found between node '" + nodeName
        + "' and this object");
  }

  private boolean persistentVolumeUsed(String nodeName, String pv) {
    for (Pod p : graph.podsOn(nodeName, null)) {
      for (String claim : PodReferences.claims(p)) {
        HasMetadata pvc = graph.claim(p.getMetadata().getNamespace(), claim);
        if (pvc instanceof PersistentVolumeClaim c && c.getSpec() != null && pv.equals(c.getSpec().getVolumeName())) {
          return true;
        }
      }
    }
    return false;
  }
}
