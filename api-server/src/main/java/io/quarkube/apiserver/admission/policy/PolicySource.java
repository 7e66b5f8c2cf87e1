package io.quarkube.apiserver.admission.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.quarkube.apiserver.authz.ObjectCache;
import io.quarkube.apiserver.registry.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ValidatingAdmissionPolicies and their bindings, from watch-fed caches (the API server's own informers), as
 * the admission plugin reads them on every request: a volatile list of compiled policies, each with its bindings,
 * rebuilt on change. A policy is compiled once per resourceVersion.
 */
public final class PolicySource {
  /** A policy and the bindings naming it, both by name. */
  record Hook(CompiledPolicy policy, List<ValidatingAdmissionPolicyBinding> bindings) {}

  private static final String GROUP = "admissionregistration.k8s.io";
  private final ObjectCache policies;
  private final ObjectCache bindings;
  private final Map<String, CompiledPolicy> compiled = new HashMap<>();
  private volatile List<Hook> hooks = List.of();

  public PolicySource(Registry registry) {
    this.policies = new ObjectCache(registry.store(GROUP, "v1", "validatingadmissionpolicies").orElseThrow(),
        Map.of());
    this.bindings = new ObjectCache(registry.store(GROUP, "v1", "validatingadmissionpolicybindings").orElseThrow(),
        Map.of());
    policies.onChange(this::rebuild);
    bindings.onChange(this::rebuild);
  }

  public PolicySource start() {
    policies.start();
    bindings.start();
    return this;
  }

  public void stop() {
    policies.stop();
    bindings.stop();
  }

  public boolean awaitSynced(Duration timeout) {
    return policies.awaitSynced(timeout) && bindings.awaitSynced(timeout);
  }

  List<Hook> hooks() {
    return hooks;
  }

  private synchronized void rebuild() {
    Map<String, List<ValidatingAdmissionPolicyBinding>> byPolicy = new HashMap<>();
    for (HasMetadata o : bindings.all()) {
      ValidatingAdmissionPolicyBinding b = (ValidatingAdmissionPolicyBinding) o;
      if (b.getSpec() != null && b.getSpec().getPolicyName() != null) {
        byPolicy.computeIfAbsent(b.getSpec().getPolicyName(), k -> new ArrayList<>()).add(b);
      }
    }
    List<Hook> out = new ArrayList<>();
    Map<String, CompiledPolicy> seen = new HashMap<>();
    for (HasMetadata o : policies.all()) {
      ValidatingAdmissionPolicy p = (ValidatingAdmissionPolicy) o;
      String key = p.getMetadata().getUid() + "/" + p.getMetadata().getResourceVersion();
      CompiledPolicy c = compiled.get(key);
      if (c == null) {
        c = PolicyCompiler.compile(p);
      }
      seen.put(key, c);
      List<ValidatingAdmissionPolicyBinding> bs = byPolicy.getOrDefault(p.getMetadata().getName(), List.of());
      if (bs.isEmpty()) {
        continue; // a policy without bindings does nothing
      }
      bs = new ArrayList<>(bs);
      bs.sort(Comparator.comparing(b -> b.getMetadata().getName()));
      out.add(new Hook(c, List.copyOf(bs)));
    }
    compiled.clear();
    compiled.putAll(seen);
    out.sort(Comparator.comparing(h -> h.policy().name()));
    hooks = List.copyOf(out);
  }
}
