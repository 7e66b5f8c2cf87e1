package io.quarkube.controllers.admissionpolicy;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.TypeChecking;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyStatus;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.util.Objects;

/**
 * Upstream's {@code validatingadmissionpolicy-status-controller}: once a policy's generation is new, its status gets
 * that {@code observedGeneration} and a {@code typeChecking}, which clients wait for. Upstream type-checks the
 * expressions against the schemas of the matched kinds and lists warnings there; this controller does not type-check
 * (the API server already refuses expressions that do not compile), so {@code typeChecking} is always empty.
 */
public final class PolicyStatusController extends Controller<String> {
  public static final String NAME = "validatingadmissionpolicy-status-controller";

  private final Indexer<ValidatingAdmissionPolicy> policies;
  private final ObjectWriter writer;

  public PolicyStatusController(ControllerContext ctx) {
    super(NAME);
    this.policies = ctx.informers().indexer(ValidatingAdmissionPolicy.class);
    this.writer = ctx.writer();
    ctx.informers().addEventHandler(ValidatingAdmissionPolicy.class,
        enqueueing(p -> stale(p) ? Keys.of(p) : null));
    waitForSync(ctx.informers(), ValidatingAdmissionPolicy.class);
  }

  static boolean stale(ValidatingAdmissionPolicy p) {
    ValidatingAdmissionPolicyStatus s = p.getStatus();
    return s == null || s.getTypeChecking() == null
        || !Objects.equals(s.getObservedGeneration(), p.getMetadata().getGeneration());
  }

  @Override
  protected void reconcile(String key) {
    ValidatingAdmissionPolicy p = policies.getByKey(key);
    if (p == null || !stale(p)) {
      return;
    }
    ValidatingAdmissionPolicy copy = new io.fabric8.kubernetes.api.model.admissionregistration.v1
        .ValidatingAdmissionPolicyBuilder(p).build();
    ValidatingAdmissionPolicyStatus status = copy.getStatus() == null ? new ValidatingAdmissionPolicyStatus()
        : copy.getStatus();
    status.setObservedGeneration(p.getMetadata().getGeneration());
    status.setTypeChecking(new TypeChecking());
    copy.setStatus(status);
    try {
      writer.updateStatus(copy);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e; // a conflict comes back with the newer object from the informer
      }
    }
  }
}
