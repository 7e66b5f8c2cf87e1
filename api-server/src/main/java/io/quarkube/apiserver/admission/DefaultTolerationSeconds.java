package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's DefaultTolerationSeconds: pods tolerate {@code node.kubernetes.io/not-ready} and
 * {@code node.kubernetes.io/unreachable} NoExecute taints for 300 s unless they say otherwise, so a failing node's
 * pods are evicted after five minutes.
 */
public final class DefaultTolerationSeconds implements AdmissionPlugin {
  static final long SECONDS = 300;

  @Override
  public String name() {
    return "DefaultTolerationSeconds";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!AdmissionErrors.isPodCreate(r)) {
      return;
    }
    Pod pod = (Pod) r.object();
    if (pod.getSpec() == null) {
      return;
    }
    List<Toleration> tolerations = pod.getSpec().getTolerations() == null ? new ArrayList<>()
        : new ArrayList<>(pod.getSpec().getTolerations());
    boolean changed = false;
    for (String key : List.of("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")) {
      boolean has = tolerations.stream().anyMatch(t -> (t.getKey() == null || t.getKey().isEmpty()
          || key.equals(t.getKey())) && (t.getEffect() == null || t.getEffect().isEmpty()
          || "NoExecute".equals(t.getEffect())));
      if (!has) {
        tolerations.add(new TolerationBuilder().withKey(key).withOperator("Exists").withEffect("NoExecute")
            .withTolerationSeconds(SECONDS).build());
        changed = true;
      }
    }
    if (changed) {
      pod.getSpec().setTolerations(tolerations);
    }
  }
}
