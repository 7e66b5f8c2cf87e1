package io.quarkube.apiserver.bootstrap;

import static io.quarkube.apiserver.bootstrap.DefaultPolicy.events;
import static io.quarkube.apiserver.bootstrap.DefaultPolicy.r;
import static io.quarkube.apiserver.bootstrap.DefaultPolicy.role;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Upstream's per-controller roles ({@code bootstrappolicy/controller_policy.go}), {@code system:controller:<name>}. */
final class ControllerRoles {
  private static final String[] READ = {"get", "list", "watch"};
  private static final Map<String, PolicyRule[]> ROLES = new LinkedHashMap<>();

  static {
    add("attachdetach-controller",
        r("list", "watch").groups("").resources("persistentvolumes", "persistentvolumeclaims").rule(),
        r(READ).groups("").resources("nodes").rule(),
        r("patch", "update").groups("").resources("nodes/status").rule(),
        r("list", "watch").groups("").resources("pods").rule(),
        r("create", "delete", "get", "list", "watch").groups("storage.k8s.io").resources("volumeattachments").rule(),
        r(READ).groups("storage.k8s.io").resources("csidrivers", "csinodes").rule(), events());
    add("clusterrole-aggregation-controller",
        r("escalate", "get", "list", "watch", "update", "patch").groups("rbac.authorization.k8s.io")
            .resources("clusterroles").rule());
    add("cronjob-controller",
        r("get", "list", "watch", "update").groups("batch").resources("cronjobs").rule(),
        r("get", "list", "watch", "create", "update", "delete", "patch").groups("batch").resources("jobs").rule(),
        r("update").groups("batch").resources("cronjobs/status").rule(),
        r("update").groups("batch").resources("cronjobs/finalizers").rule(),
        r("list", "delete").groups("").resources("pods").rule(), events());
    add("daemon-set-controller",
        r(READ).groups("apps", "extensions").resources("daemonsets").rule(),
        r("update").groups("apps", "extensions").resources("daemonsets/status").rule(),
        r("update").groups("apps", "extensions").resources("daemonsets/finalizers").rule(),
        r("list", "watch").groups("").resources("nodes").rule(),
        r("list", "watch", "create", "delete", "patch").groups("").resources("pods").rule(),
        r("create").groups("").resources("pods/binding").rule(),
        r("get", "list", "watch", "create", "delete", "update", "patch").groups("apps")
            .resources("controllerrevisions").rule(), events());
    add("deployment-controller",
        r("get", "list", "watch", "update").groups("apps", "extensions").resources("deployments").rule(),
        r("update").groups("apps", "extensions").resources("deployments/status").rule(),
        r("update").groups("apps", "extensions").resources("deployments/finalizers").rule(),
        r("get", "list", "watch", "create", "update", "patch", "delete").groups("apps", "extensions")
            .resources("replicasets").rule(),
        r("get", "list", "watch", "update").groups("").resources("pods").rule(), events());
    add("disruption-controller",
        r(READ).groups("apps", "extensions").resources("deployments", "replicasets", "statefulsets").rule(),
        r(READ).groups("").resources("replicationcontrollers").rule(),
        r(READ).groups("policy").resources("poddisruptionbudgets").rule(),
        r("update").groups("policy").resources("poddisruptionbudgets/status").rule(),
        r("get").groups("*").resources("*/scale").rule(),
        r("patch", "update").groups("").resources("pods/status").rule(), events());
    add("endpoint-controller",
        r(READ).groups("").resources("services", "pods").rule(),
        r("get", "list", "create", "update", "delete").groups("").resources("endpoints").rule(),
        r("create").groups("").resources("endpoints/restricted").rule(), events());
    add("endpointslice-controller",
        r(READ).groups("").resources("services", "pods", "nodes").rule(),
        r("update").groups("").resources("services/finalizers").rule(),
        r("get", "list", "watch", "create", "update", "delete").groups("discovery.k8s.io")
            .resources("endpointslices").rule(), events());
    add("endpointslicemirroring-controller",
        r(READ).groups("").resources("services", "endpoints").rule(),
        r("update").groups("").resources("services/finalizers", "endpoints/finalizers").rule(),
        r("get", "list", "watch", "create", "update", "delete").groups("discovery.k8s.io")
            .resources("endpointslices").rule(), events());
    add("ephemeral-volume-controller",
        r(READ).groups("").resources("pods").rule(),
        r("update").groups("").resources("pods/finalizers").rule(),
        r("get", "list", "watch", "create").groups("").resources("persistentvolumeclaims").rule(), events());
    add("expand-controller",
        r("get", "list", "watch", "update", "patch").groups("").resources("persistentvolumes").rule(),
        r("update", "patch").groups("").resources("persistentvolumeclaims/status").rule(),
        r(READ).groups("").resources("persistentvolumeclaims").rule(),
        r(READ).groups("storage.k8s.io").resources("storageclasses").rule(),
        r("get").groups("").resources("endpoints", "services", "secrets").rule(), events());
    add("generic-garbage-collector",
        r("get", "list", "watch", "patch", "update", "delete").groups("*").resources("*").rule(), events());
    add("horizontal-pod-autoscaler",
        r(READ).groups("autoscaling").resources("horizontalpodautoscalers").rule(),
        r("update").groups("autoscaling").resources("horizontalpodautoscalers/status").rule(),
        r("get", "update").groups("*").resources("*/scale").rule(),
        r("list", "watch").groups("").resources("pods").rule(),
        r("list", "watch").groups("metrics.k8s.io").resources("pods").rule(),
        r("get", "list", "watch").groups("custom.metrics.k8s.io").resources("*").rule(),
        r("get", "list", "watch").groups("external.metrics.k8s.io").resources("*").rule(),
        events());
    add("job-controller",
        r("get", "list", "watch", "update", "patch").groups("batch").resources("jobs").rule(),
        r("update", "patch").groups("batch").resources("jobs/status").rule(),
        r("update", "patch").groups("batch").resources("jobs/finalizers").rule(),
        r("list", "watch", "create", "delete", "patch").groups("").resources("pods").rule(), events());
    add("namespace-controller",
        r("get", "list", "watch", "delete").groups("").resources("namespaces").rule(),
        r("update").groups("").resources("namespaces/finalize", "namespaces/status").rule(),
        r("get", "list", "watch", "delete", "deletecollection").groups("*").resources("*").rule());
    add("node-controller",
        r("get", "list", "update", "delete", "patch").groups("").resources("nodes").rule(),
        r("patch", "update").groups("").resources("nodes/status").rule(),
        r("patch", "update").groups("").resources("pods/status").rule(),
        r("list", "delete").groups("").resources("pods").rule(), events());
    add("persistent-volume-binder",
        r("get", "list", "watch", "update", "create", "delete").groups("").resources("persistentvolumes").rule(),
        r("update").groups("").resources("persistentvolumes/status").rule(),
        r("get", "list", "watch", "update").groups("").resources("persistentvolumeclaims").rule(),
        r("update").groups("").resources("persistentvolumeclaims/status").rule(),
        r("get", "list", "watch", "delete").groups("").resources("pods").rule(),
        r(READ).groups("storage.k8s.io").resources("storageclasses").rule(),
        r("get", "create", "delete").groups("").resources("endpoints", "services").rule(),
        r("get").groups("").resources("secrets").rule(),
        r("get", "list").groups("").resources("nodes").rule(), events());
    add("pod-garbage-collector",
        r("list", "watch", "delete").groups("").resources("pods").rule(),
        r("patch").groups("").resources("pods/status").rule(),
        r(READ).groups("").resources("nodes").rule());
    add("replicaset-controller",
        r("get", "list", "watch", "update").groups("apps", "extensions").resources("replicasets").rule(),
        r("update").groups("apps", "extensions").resources("replicasets/status").rule(),
        r("update").groups("apps", "extensions").resources("replicasets/finalizers").rule(),
        r("list", "watch", "patch", "create", "delete").groups("").resources("pods").rule(), events());
    add("replication-controller",
        r("get", "list", "watch", "update").groups("").resources("replicationcontrollers").rule(),
        r("update").groups("").resources("replicationcontrollers/status").rule(),
        r("update").groups("").resources("replicationcontrollers/finalizers").rule(),
        r("list", "watch", "patch", "create", "delete").groups("").resources("pods").rule(), events());
    add("resourcequota-controller",
        r("list", "watch").groups("*").resources("*").rule(),
        r("update").groups("").resources("resourcequotas/status").rule(), events());
    add("route-controller",
        r("list").groups("").resources("nodes").rule(),
        r("patch").groups("").resources("nodes/status").rule(), events());
    add("service-account-controller",
        r("create").groups("").resources("serviceaccounts").rule(), events());
    add("service-controller",
        r(READ).groups("").resources("services").rule(),
        r("patch", "update").groups("").resources("services/status").rule(),
        r("list", "watch").groups("").resources("nodes").rule(), events());
    add("statefulset-controller",
        r("list", "watch").groups("").resources("pods").rule(),
        r("list", "watch").groups("apps").resources("statefulsets").rule(),
        r("get").groups("apps").resources("statefulsets").rule(),
        r("update").groups("apps").resources("statefulsets/status").rule(),
        r("update").groups("apps").resources("statefulsets/finalizers").rule(),
        r("get", "create", "delete", "update", "patch").groups("").resources("pods").rule(),
        r("get", "list", "watch", "create", "delete", "update", "patch").groups("apps")
            .resources("controllerrevisions").rule(),
        r("get", "create", "delete", "update", "patch").groups("").resources("persistentvolumeclaims").rule(),
        events());
    add("ttl-controller",
        r("update", "patch", "list", "watch").groups("").resources("nodes").rule(), events());
    add("certificate-controller",
        r("get", "list", "watch", "delete").groups("certificates.k8s.io").resources("certificatesigningrequests")
            .rule(),
        r("update").groups("certificates.k8s.io").resources("certificatesigningrequests/status",
            "certificatesigningrequests/approval").rule(),
        r("approve").groups("certificates.k8s.io").resources("signers").names("kubernetes.io/kube-apiserver-client",
            "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving",
            "kubernetes.io/legacy-unknown").rule(),
        r("sign").groups("certificates.k8s.io").resources("signers").names("kubernetes.io/kube-apiserver-client",
            "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving",
            "kubernetes.io/legacy-unknown").rule(),
        r("create").groups("authorization.k8s.io").resources("subjectaccessreviews").rule(), events());
    add("pvc-protection-controller",
        r("get", "list", "watch", "update").groups("").resources("persistentvolumeclaims").rule(),
        r("list", "watch", "get").groups("").resources("pods").rule(), events());
    add("pv-protection-controller",
        r("get", "list", "watch", "update").groups("").resources("persistentvolumes").rule(), events());
    add("ttl-after-finished-controller",
        r("get", "list", "watch", "delete").groups("batch").resources("jobs").rule(), events());
    add("root-ca-cert-publisher",
        r("create", "update").groups("").resources("configmaps").rule(), events());
    add("legacy-service-account-token-cleaner",
        r("get").groups("").resources("configmaps").names("kube-apiserver-legacy-service-account-token-tracking")
            .rule(),
        r("patch", "delete").groups("").resources("secrets").rule());
    add("validatingadmissionpolicy-status-controller",
        r(READ).groups("admissionregistration.k8s.io").resources("validatingadmissionpolicies").rule(),
        r("get", "patch", "update").groups("admissionregistration.k8s.io")
            .resources("validatingadmissionpolicies/status").rule());
  }

  static final List<String> NAMES = List.copyOf(ROLES.keySet());

  private ControllerRoles() {}

  private static void add(String name, PolicyRule... rules) {
    ROLES.put(name, rules);
  }

  static List<ClusterRole> roles() {
    List<ClusterRole> out = new ArrayList<>();
    ROLES.forEach((name, rules) -> out.add(role("system:controller:" + name, Map.of(), rules)));
    return out;
  }
}
