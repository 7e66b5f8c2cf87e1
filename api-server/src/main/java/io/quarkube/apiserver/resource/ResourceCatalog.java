package io.quarkube.apiserver.resource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in resources, in upstream's discovery order, with upstream's scopes, short names, categories,
 * subresources and etcd key prefixes.
 */
public final class ResourceCatalog {
  /** An immutable view: readers never see a half-registered resource. */
  private record Snapshot(List<ResourceDefinition> all, Map<String, ResourceDefinition> byGroupVersionResource,
      Map<String, ResourceDefinition> byGroupKind) {
    static Snapshot of(List<ResourceDefinition> definitions) {
      Map<String, ResourceDefinition> byGvr = new LinkedHashMap<>();
      Map<String, ResourceDefinition> byGk = new LinkedHashMap<>();
      for (ResourceDefinition d : definitions) {
        byGvr.put(key(d.group(), d.version(), d.resource()), d);
        byGk.putIfAbsent(d.group() + "/" + d.kind(), d);
      }
      return new Snapshot(List.copyOf(definitions), byGvr, byGk);
    }
  }

  private volatile Snapshot snapshot;
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

  public ResourceCatalog(List<ResourceDefinition> definitions) {
    this.snapshot = Snapshot.of(definitions);
  }

  /**
   * Adds or replaces a resource served from now on (a CustomResourceDefinition's versions); discovery and OpenAPI
   * notice through {@link #generation()}.
   */
  public synchronized void register(ResourceDefinition d) {
    List<ResourceDefinition> next = new ArrayList<>(snapshot.all());
    next.removeIf(x -> x.group().equals(d.group()) && x.version().equals(d.version())
        && x.resource().equals(d.resource()));
    next.add(d);
    snapshot = Snapshot.of(next);
    generation.incrementAndGet();
  }

  public synchronized void unregister(String group, String version, String resource) {
    List<ResourceDefinition> next = new ArrayList<>(snapshot.all());
    if (next.removeIf(x -> x.group().equals(group) && x.version().equals(version) && x.resource().equals(resource))) {
      snapshot = Snapshot.of(next);
      generation.incrementAndGet();
    }
  }

  /** Grows with every change, so caches of documents built from the catalog know when to rebuild. */
  public long generation() {
    return generation.get();
  }

  public static ResourceCatalog builtIn() {
    List<ResourceDefinition> d = new ArrayList<>();
    // core/v1
    // bindings: POST a Binding to assign the pod it names to a node, as pods/<name>/binding does (never stored)
    d.add(createOnly("", "v1", "bindings", "Binding", ns(), io.fabric8.kubernetes.api.model.Binding.class));
    // componentstatuses: deprecated upstream (v1.19+) but still served; the components' health, probed on each GET
    d.add(readOnly("", "v1", "componentstatuses", "ComponentStatus", cluster(),
        io.fabric8.kubernetes.api.model.ComponentStatus.class).withShortNames("cs"));
    d.add(def("", "v1", "configmaps", "ConfigMap", ns(), ConfigMap.class, "configmaps", List.of("cm")));
    d.add(def("", "v1", "endpoints", "Endpoints", ns(), Endpoints.class, "services/endpoints", List.of("ep")));
    d.add(def("", "v1", "events", "Event", ns(), io.fabric8.kubernetes.api.model.Event.class, "events",
        List.of("ev")));
    d.add(def("", "v1", "limitranges", "LimitRange", ns(), LimitRange.class, "limitranges", List.of("limits")));
    d.add(def("", "v1", "namespaces", "Namespace", cluster(), Namespace.class, "namespaces", List.of("ns"),
        "status", "finalize"));
    d.add(def("", "v1", "nodes", "Node", cluster(), Node.class, "minions", List.of("no"), "status", "proxy"));
    d.add(def("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", ns(), PersistentVolumeClaim.class,
        "persistentvolumeclaims", List.of("pvc"), "status"));
    d.add(def("", "v1", "persistentvolumes", "PersistentVolume", cluster(), PersistentVolume.class,
        "persistentvolumes", List.of("pv"), "status"));
    d.add(def("", "v1", "pods", "Pod", ns(), Pod.class, "pods", List.of("po"), "attach", "binding", "ephemeralcontainers",
        "eviction", "exec", "log", "portforward", "proxy", "resize", "status").withCategories("all"));
    d.add(def("", "v1", "podtemplates", "PodTemplate", ns(), PodTemplate.class, "podtemplates", List.of()));
    d.add(def("", "v1", "replicationcontrollers", "ReplicationController", ns(), ReplicationController.class,
        "controllers", List.of("rc"), "scale", "status").withCategories("all"));
    d.add(def("", "v1", "resourcequotas", "ResourceQuota", ns(), ResourceQuota.class, "resourcequotas",
        List.of("quota"), "status"));
    d.add(def("", "v1", "secrets", "Secret", ns(), Secret.class, "secrets", List.of()));
    d.add(def("", "v1", "serviceaccounts", "ServiceAccount", ns(), ServiceAccount.class, "serviceaccounts",
        List.of("sa"), "token"));
    d.add(def("", "v1", "services", "Service", ns(), Service.class, "services/specs", List.of("svc"), "proxy",
        "status").withCategories("all"));
    // apps/v1
    d.add(def("apps", "v1", "controllerrevisions", "ControllerRevision", ns(), ControllerRevision.class,
        "controllerrevisions", List.of()));
    d.add(def("apps", "v1", "daemonsets", "DaemonSet", ns(), DaemonSet.class, "daemonsets", List.of("ds"), "status")
        .withCategories("all"));
    d.add(def("apps", "v1", "deployments", "Deployment", ns(), Deployment.class, "deployments", List.of("deploy"),
        "scale", "status").withCategories("all"));
    d.add(def("apps", "v1", "replicasets", "ReplicaSet", ns(), ReplicaSet.class, "replicasets", List.of("rs"),
        "scale", "status").withCategories("all"));
    d.add(def("apps", "v1", "statefulsets", "StatefulSet", ns(), StatefulSet.class, "statefulsets", List.of("sts"),
        "scale", "status").withCategories("all"));
    // autoscaling: v2 (the storage version, preferred) and v1 serve the same objects, stored once as v2
    d.add(def("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", ns(),
        io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class, "horizontalpodautoscalers",
        List.of("hpa"), "status").withCategories("all"));
    d.add(def("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", ns(),
        io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class, "horizontalpodautoscalers",
        List.of("hpa"), "status").withCategories("all"));
    // batch/v1
    d.add(def("batch", "v1", "cronjobs", "CronJob", ns(), CronJob.class, "cronjobs", List.of("cj"), "status")
        .withCategories("all"));
    d.add(def("batch", "v1", "jobs", "Job", ns(), Job.class, "jobs", List.of(), "status").withCategories("all"));
    // coordination.k8s.io/v1
    d.add(def("coordination.k8s.io", "v1", "leases", "Lease", ns(), Lease.class, "leases", List.of()));
    // discovery.k8s.io/v1
    d.add(def("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", ns(), EndpointSlice.class,
        "endpointslices", List.of()));
    // events.k8s.io/v1 serves core/v1's events, stored once as core v1 (as upstream's storage version)
    d.add(def("events.k8s.io", "v1", "events", "Event", ns(), io.fabric8.kubernetes.api.model.events.v1.Event.class,
        "events", List.of("ev")));
    // networking.k8s.io/v1
    d.add(def("networking.k8s.io", "v1", "ingressclasses", "IngressClass", cluster(), IngressClass.class,
        "ingressclasses", List.of()));
    d.add(def("networking.k8s.io", "v1", "ingresses", "Ingress", ns(), Ingress.class, "ingress", List.of("ing"),
        "status"));
    d.add(def("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", ns(), NetworkPolicy.class,
        "networkpolicies", List.of("netpol")));
    // policy/v1
    d.add(def("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", ns(), PodDisruptionBudget.class,
        "poddisruptionbudgets", List.of("pdb"), "status"));
    // rbac.authorization.k8s.io/v1
    d.add(def("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", cluster(),
        ClusterRoleBinding.class, "clusterrolebindings", List.of()));
    d.add(def("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", cluster(), ClusterRole.class,
        "clusterroles", List.of()));
    d.add(def("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", ns(), RoleBinding.class,
        "rolebindings", List.of()));
    d.add(def("rbac.authorization.k8s.io", "v1", "roles", "Role", ns(), Role.class, "roles", List.of()));
    // scheduling.k8s.io/v1
    d.add(def("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", cluster(), PriorityClass.class,
        "priorityclasses", List.of("pc")));
    // node.k8s.io/v1: the container runtime handlers pods may ask for (spec.runtimeClassName)
    d.add(def("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", cluster(),
        io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class, "runtimeclasses", List.of()));
    // flowcontrol.apiserver.k8s.io: API priority and fairness; v1 (the storage version, preferred) and v1beta3 serve
    // the same objects, stored once as v1
    d.add(def("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", "FlowSchema", cluster(),
        io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema.class, "flowschemas", List.of(), "status"));
    d.add(def("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", "PriorityLevelConfiguration",
        cluster(), io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration.class,
        "prioritylevelconfigurations", List.of(), "status"));
    d.add(def("flowcontrol.apiserver.k8s.io", "v1beta3", "flowschemas", "FlowSchema", cluster(),
        io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.FlowSchema.class, "flowschemas", List.of(), "status"));
    d.add(def("flowcontrol.apiserver.k8s.io", "v1beta3", "prioritylevelconfigurations", "PriorityLevelConfiguration",
        cluster(), io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.PriorityLevelConfiguration.class,
        "prioritylevelconfigurations", List.of(), "status"));
    // admissionregistration.k8s.io/v1: the webhooks the admission chain calls
    d.add(def("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration", cluster(),
        io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration.class,
        "mutatingwebhookconfigurations", List.of()).withCategories("api-extensions"));
    // ... and the CEL policies it evaluates itself (admission.policy)
    d.add(def("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy",
        cluster(), io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy.class,
        "validatingadmissionpolicies", List.of(), "status").withCategories("api-extensions"));
    d.add(def("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding", cluster(),
        io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding.class,
        "validatingadmissionpolicybindings", List.of()).withCategories("api-extensions"));
    d.add(def("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration", cluster(),
        io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration.class,
        "validatingwebhookconfigurations", List.of()).withCategories("api-extensions"));
    // apiextensions.k8s.io/v1: CustomResourceDefinitions; their custom resources are registered at run time.
    d.add(def("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", cluster(),
        io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class,
        "apiextensions.k8s.io/customresourcedefinitions", List.of("crd", "crds"), "status")
        .withCategories("api-extensions"));
    // storage.k8s.io/v1: classes, and what CSI drivers, kubelets and attachers publish about volumes
    d.add(def("storage.k8s.io", "v1", "csidrivers", "CSIDriver", cluster(),
        io.fabric8.kubernetes.api.model.storage.CSIDriver.class, "csidrivers", List.of()));
    d.add(def("storage.k8s.io", "v1", "csinodes", "CSINode", cluster(),
        io.fabric8.kubernetes.api.model.storage.CSINode.class, "csinodes", List.of()));
    d.add(def("storage.k8s.io", "v1", "csistoragecapacities", "CSIStorageCapacity", ns(),
        io.fabric8.kubernetes.api.model.storage.CSIStorageCapacity.class, "csistoragecapacities", List.of()));
    d.add(def("storage.k8s.io", "v1", "storageclasses", "StorageClass", cluster(), StorageClass.class,
        "storageclasses", List.of("sc")));
    d.add(def("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", cluster(),
        io.fabric8.kubernetes.api.model.storage.VolumeAttachment.class, "volumeattachments", List.of(), "status"));
    // authentication.k8s.io/v1 and authorization.k8s.io/v1: reviews, answered at once and never stored
    d.add(createOnly("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", cluster(),
        io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview.class));
    d.add(createOnly("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", cluster(),
        io.fabric8.kubernetes.api.model.authentication.TokenReview.class));
    d.add(createOnly("authorization.k8s.io", "v1", "localsubjectaccessreviews", "LocalSubjectAccessReview", ns(),
        io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReview.class));
    d.add(createOnly("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", cluster(),
        io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview.class));
    d.add(createOnly("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", cluster(),
        io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview.class));
    d.add(createOnly("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", cluster(),
        io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview.class));
    // metrics.k8s.io/v1beta1: the resource metrics API (kubectl top), read from the kubelets, never stored
    d.add(readOnly("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", cluster(),
        io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics.class));
    d.add(readOnly("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", ns(),
        io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics.class));
    // certificates.k8s.io/v1
    d.add(def("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", cluster(),
        io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest.class,
        "certificatesigningrequests", List.of("csr"), "approval", "status"));
    return new ResourceCatalog(d);
  }

  public List<ResourceDefinition> all() {
    return snapshot.all();
  }

  public Optional<ResourceDefinition> find(String group, String version, String resource) {
    return Optional.ofNullable(snapshot.byGroupVersionResource().get(key(group, version, resource)));
  }

  public Optional<ResourceDefinition> findByKind(String group, String kind) {
    return Optional.ofNullable(snapshot.byGroupKind().get(group + "/" + kind));
  }

  /** The API groups in upstream's discovery order: core first, then the named groups as registered. */
  public Map<String, List<ResourceDefinition>> byGroupVersion() {
    Map<String, List<ResourceDefinition>> out = new LinkedHashMap<>();
    for (ResourceDefinition d : all()) {
      out.computeIfAbsent(d.apiVersion(), k -> new ArrayList<>()).add(d);
    }
    return out;
  }

  public Set<String> groups() {
    Set<String> out = new LinkedHashSet<>();
    for (ResourceDefinition d : all()) {
      out.add(d.group());
    }
    return out;
  }

  private static String key(String group, String version, String resource) {
    return group + "/" + version + "/" + resource;
  }

  private static boolean ns() {
    return true;
  }

  private static boolean cluster() {
    return false;
  }

  private static ResourceDefinition def(String group, String version, String resource, String kind,
      boolean namespaced, Class<? extends HasMetadata> type, String prefix, List<String> shortNames,
      String... subresources) {
    return new ResourceDefinition(group, version, resource, kind.toLowerCase(), kind, namespaced, shortNames,
        List.of(), Collections.unmodifiableSet(new LinkedHashSet<>(List.of(subresources))), type, prefix,
        ResourceDefinition.VERBS);
  }

  /** A virtual resource: POST-only, answered at once, never stored (reviews and requests). */
  /** A resource that is only read (get, list) and never stored: its handler computes it. */
  static ResourceDefinition readOnly(String group, String version, String resource, String kind,
      boolean namespaced, Class<? extends HasMetadata> type) {
    return new ResourceDefinition(group, version, resource, kind.toLowerCase(), kind, namespaced, List.of(),
        List.of(), Set.of(), type, null, List.of("get", "list"));
  }

  static ResourceDefinition createOnly(String group, String version, String resource, String kind,
      boolean namespaced, Class<? extends HasMetadata> type) {
    return new ResourceDefinition(group, version, resource, kind.toLowerCase(), kind, namespaced, List.of(),
        List.of(), Set.of(), type, null, List.of("create"));
  }
}
