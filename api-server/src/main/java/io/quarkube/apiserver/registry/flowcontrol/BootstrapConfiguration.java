package io.quarkube.apiserver.registry.flowcontrol;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ExemptPriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowDistinguisherMethod;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaSpec;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.GroupSubject;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.LimitResponse;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.LimitedPriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.NonResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PolicyRulesWithSubjects;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfigurationReference;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfigurationSpec;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.QueuingConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ServiceAccountSubject;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.Subject;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.UserSubject;
import io.quarkube.apiserver.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API priority and fairness objects an API server starts with, as upstream's
 * {@code apiserver/pkg/apis/flowcontrol/bootstrap/default.go} (1.32): the mandatory ones (exempt and catch-all) and
 * the suggested ones. Each call makes fresh copies, so callers may change what they get.
 */
public final class BootstrapConfiguration {
  /** Upstream's {@code apf.kubernetes.io/autoupdate-spec}: "false" keeps an administrator's change of a default. */
  public static final String AUTOUPDATE = "apf.kubernetes.io/autoupdate-spec";
  public static final String EXEMPT = "exempt";
  public static final String CATCH_ALL = "catch-all";
  private static final String ALL = "*";
  private static final String NODES = "system:nodes";
  private static final String CONTROLLER_MANAGER = "system:kube-controller-manager";
  private static final String SCHEDULER = "system:kube-scheduler";

  private BootstrapConfiguration() {}

  public static List<PriorityLevelConfiguration> mandatoryPriorityLevels() {
    return List.of(mandatoryPriorityLevel(EXEMPT), mandatoryPriorityLevel(CATCH_ALL));
  }

  /** The mandatory priority level of that name, or null. */
  public static PriorityLevelConfiguration mandatoryPriorityLevel(String name) {
    if (EXEMPT.equals(name)) {
      PriorityLevelConfigurationSpec spec = new PriorityLevelConfigurationSpec();
      spec.setType("Exempt");
      ExemptPriorityLevelConfiguration exempt = new ExemptPriorityLevelConfiguration();
      exempt.setNominalConcurrencyShares(0);
      exempt.setLendablePercent(0);
      spec.setExempt(exempt);
      return level(EXEMPT, spec);
    }
    if (CATCH_ALL.equals(name)) {
      return limited(CATCH_ALL, 5, 0, null);
    }
    return null;
  }

  public static List<FlowSchema> mandatoryFlowSchemas() {
    return List.of(mandatoryFlowSchema(EXEMPT), mandatoryFlowSchema(CATCH_ALL));
  }

  /** The mandatory flow schema of that name, or null. */
  public static FlowSchema mandatoryFlowSchema(String name) {
    if (EXEMPT.equals(name)) {
      return schema(EXEMPT, EXEMPT, 1, null, rules(groups("system:masters"), allResources(), allNonResources()));
    }
    if (CATCH_ALL.equals(name)) {
      return schema(CATCH_ALL, CATCH_ALL, 10000, "ByUser",
          rules(groups("system:unauthenticated", "system:authenticated"), allResources(), allNonResources()));
    }
    return null;
  }

  public static List<PriorityLevelConfiguration> suggestedPriorityLevels() {
    return List.of(
        limited("system", 30, 33, queuing(64, 6, 50)),
        limited("node-high", 40, 25, queuing(64, 6, 50)),
        limited("leader-election", 10, 0, queuing(16, 4, 50)),
        limited("workload-high", 40, 50, queuing(128, 6, 50)),
        limited("workload-low", 100, 90, queuing(128, 6, 50)),
        limited("global-default", 20, 50, queuing(128, 6, 50)));
  }

  public static List<FlowSchema> suggestedFlowSchemas() {
    List<Subject> leaderElectionSubjects = new ArrayList<>(users(CONTROLLER_MANAGER, SCHEDULER));
    leaderElectionSubjects.addAll(kubeSystemServiceAccounts(ALL));
    List<Subject> endpointSubjects = new ArrayList<>(users(CONTROLLER_MANAGER));
    endpointSubjects.addAll(kubeSystemServiceAccounts("endpoint-controller", "endpointslicemirroring-controller"));
    List<String> getCreateUpdate = List.of("get", "create", "update");
    return List.of(
        schema("system-nodes", "system", 500, "ByUser", rules(groups(NODES), allResources(), allNonResources())),
        schema("system-node-high", "node-high", 400, "ByUser", rules(groups(NODES), List.of(
            resourceRule(List.of(ALL), List.of(""), List.of("nodes", "nodes/status"), List.of(ALL), true),
            resourceRule(List.of(ALL), List.of("coordination.k8s.io"), List.of("leases"), List.of(ALL), false)),
            List.of())),
        schema("probes", EXEMPT, 2, null, rules(groups("system:unauthenticated", "system:authenticated"),
            List.of(), List.of(nonResourceRule(List.of("get"), List.of("/healthz", "/readyz", "/livez"))))),
        schema("system-leader-election", "leader-election", 100, "ByUser", rules(leaderElectionSubjects,
            List.of(resourceRule(getCreateUpdate, List.of("coordination.k8s.io"), List.of("leases"), List.of(ALL),
                false)), List.of())),
        schema("workload-leader-election", "leader-election", 200, "ByUser", rules(kubeSystemServiceAccounts(ALL),
            List.of(resourceRule(getCreateUpdate, List.of(""), List.of("endpoints", "configmaps"), List.of(ALL), false),
                resourceRule(getCreateUpdate, List.of("coordination.k8s.io"), List.of("leases"), List.of(ALL),
                    false)), List.of())),
        schema("endpoint-controller", "workload-high", 150, "ByUser", rules(endpointSubjects,
            List.of(resourceRule(getCreateUpdate, List.of(""), List.of("endpoints"), List.of(ALL), false)),
            List.of())),
        schema("kube-controller-manager", "workload-high", 800, "ByNamespace",
            rules(users(CONTROLLER_MANAGER), allResources(), allNonResources())),
        schema("kube-scheduler", "workload-high", 800, "ByNamespace",
            rules(users(SCHEDULER), allResources(), allNonResources())),
        schema("kube-system-service-accounts", "workload-high", 900, "ByNamespace",
            rules(kubeSystemServiceAccounts(ALL), allResources(), allNonResources())),
        schema("service-accounts", "workload-low", 9000, "ByUser",
            rules(groups("system:serviceaccounts"), allResources(), allNonResources())),
        schema("global-default", "global-default", 9900, "ByUser",
            rules(groups("system:unauthenticated", "system:authenticated"), allResources(), allNonResources())));
  }

  /** Every bootstrap flow schema by name (mandatory and suggested). */
  public static Map<String, FlowSchema> allFlowSchemas() {
    Map<String, FlowSchema> out = new LinkedHashMap<>();
    for (FlowSchema fs : suggestedFlowSchemas()) {
      out.put(fs.getMetadata().getName(), fs);
    }
    for (FlowSchema fs : mandatoryFlowSchemas()) {
      out.put(fs.getMetadata().getName(), fs);
    }
    return out;
  }

  /** Every bootstrap priority level by name (mandatory and suggested). */
  public static Map<String, PriorityLevelConfiguration> allPriorityLevels() {
    Map<String, PriorityLevelConfiguration> out = new LinkedHashMap<>();
    for (PriorityLevelConfiguration pl : suggestedPriorityLevels()) {
      out.put(pl.getMetadata().getName(), pl);
    }
    for (PriorityLevelConfiguration pl : mandatoryPriorityLevels()) {
      out.put(pl.getMetadata().getName(), pl);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------ builders

  private static ObjectMeta meta(String name) {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setAnnotations(new LinkedHashMap<>(Map.of(AUTOUPDATE, "true")));
    return meta;
  }

  private static PriorityLevelConfiguration level(String name, PriorityLevelConfigurationSpec spec) {
    PriorityLevelConfiguration pl = new PriorityLevelConfiguration();
    pl.setApiVersion("flowcontrol.apiserver.k8s.io/v1");
    pl.setKind("PriorityLevelConfiguration");
    pl.setMetadata(meta(name));
    pl.setSpec(spec);
    return pl;
  }

  private static PriorityLevelConfiguration limited(String name, int shares, int lendable, QueuingConfiguration q) {
    LimitedPriorityLevelConfiguration limited = new LimitedPriorityLevelConfiguration();
    limited.setNominalConcurrencyShares(shares);
    limited.setLendablePercent(lendable);
    LimitResponse response = new LimitResponse();
    response.setType(q == null ? "Reject" : "Queue");
    response.setQueuing(q);
    limited.setLimitResponse(response);
    PriorityLevelConfigurationSpec spec = new PriorityLevelConfigurationSpec();
    spec.setType("Limited");
    spec.setLimited(limited);
    return level(name, spec);
  }

  private static QueuingConfiguration queuing(int queues, int handSize, int queueLengthLimit) {
    QueuingConfiguration q = new QueuingConfiguration();
    q.setQueues(queues);
    q.setHandSize(handSize);
    q.setQueueLengthLimit(queueLengthLimit);
    return q;
  }

  private static FlowSchema schema(String name, String level, int precedence, String distinguisher,
      PolicyRulesWithSubjects rules) {
    FlowSchemaSpec spec = new FlowSchemaSpec();
    PriorityLevelConfigurationReference ref = new PriorityLevelConfigurationReference();
    ref.setName(level);
    spec.setPriorityLevelConfiguration(ref);
    spec.setMatchingPrecedence(precedence);
    if (distinguisher != null) {
      FlowDistinguisherMethod method = new FlowDistinguisherMethod();
      method.setType(distinguisher);
      spec.setDistinguisherMethod(method);
    }
    spec.setRules(new ArrayList<>(List.of(rules)));
    FlowSchema fs = new FlowSchema();
    fs.setApiVersion("flowcontrol.apiserver.k8s.io/v1");
    fs.setKind("FlowSchema");
    fs.setMetadata(meta(name));
    fs.setSpec(spec);
    return fs;
  }

  private static PolicyRulesWithSubjects rules(List<Subject> subjects, List<ResourcePolicyRule> resourceRules,
      List<NonResourcePolicyRule> nonResourceRules) {
    PolicyRulesWithSubjects r = new PolicyRulesWithSubjects();
    r.setSubjects(new ArrayList<>(subjects));
    r.setResourceRules(new ArrayList<>(resourceRules));
    r.setNonResourceRules(new ArrayList<>(nonResourceRules));
    return r;
  }

  private static List<ResourcePolicyRule> allResources() {
    return List.of(resourceRule(List.of(ALL), List.of(ALL), List.of(ALL), List.of(ALL), true));
  }

  private static List<NonResourcePolicyRule> allNonResources() {
    return List.of(nonResourceRule(List.of(ALL), List.of(ALL)));
  }

  private static ResourcePolicyRule resourceRule(List<String> verbs, List<String> groups, List<String> resources,
      List<String> namespaces, boolean clusterScope) {
    ResourcePolicyRule r = new ResourcePolicyRule();
    r.setVerbs(new ArrayList<>(verbs));
    r.setApiGroups(new ArrayList<>(groups));
    r.setResources(new ArrayList<>(resources));
    r.setNamespaces(new ArrayList<>(namespaces));
    r.setClusterScope(clusterScope ? Boolean.TRUE : null);
    return r;
  }

  private static NonResourcePolicyRule nonResourceRule(List<String> verbs, List<String> urls) {
    NonResourcePolicyRule r = new NonResourcePolicyRule();
    r.setVerbs(new ArrayList<>(verbs));
    r.setNonResourceURLs(new ArrayList<>(urls));
    return r;
  }

  private static List<Subject> groups(String... names) {
    List<Subject> out = new ArrayList<>();
    for (String n : names) {
      Subject s = new Subject();
      s.setKind("Group");
      GroupSubject g = new GroupSubject();
      g.setName(n);
      s.setGroup(g);
      out.add(s);
    }
    return out;
  }

  private static List<Subject> users(String... names) {
    List<Subject> out = new ArrayList<>();
    for (String n : names) {
      Subject s = new Subject();
      s.setKind("User");
      UserSubject u = new UserSubject();
      u.setName(n);
      s.setUser(u);
      out.add(s);
    }
    return out;
  }

  private static List<Subject> kubeSystemServiceAccounts(String... names) {
    List<Subject> out = new ArrayList<>();
    for (String n : names) {
      Subject s = new Subject();
      s.setKind("ServiceAccount");
      ServiceAccountSubject sa = new ServiceAccountSubject();
      sa.setName(n);
      sa.setNamespace("kube-system");
      s.setServiceAccount(sa);
      out.add(s);
    }
    return out;
  }

  /** A deep copy through JSON (the builders' objects are shared by nobody, but callers keep theirs). */
  public static <T> T copy(T o, Class<T> type) {
    return Json.read(Json.bytes(o), type);
  }
}
