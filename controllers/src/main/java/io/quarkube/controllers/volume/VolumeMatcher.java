package io.quarkube.controllers.volume;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.controllers.support.LabelSelectors;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Which PersistentVolume a claim binds to (upstream's {@code findMatchingVolume}): a PV already pre-bound to the
 * claim wins; otherwise the smallest Available, unclaimed PV whose class equals the claim's, whose access modes
 * include the claim's, whose volumeMode is the claim's, whose labels match the claim's selector and whose capacity
 * covers the request.
 */
final class VolumeMatcher {
  private VolumeMatcher() {}

  static PersistentVolume find(PersistentVolumeClaim claim, Collection<PersistentVolume> pvs) {
    PersistentVolume best = null;
    BigDecimal bestSize = null;
    BigDecimal want = storage(claim.getSpec().getResources() == null ? null
        : claim.getSpec().getResources().getRequests() == null ? null
        : claim.getSpec().getResources().getRequests().get("storage"));
    for (PersistentVolume pv : pvs) {
      if (pv.getSpec() == null || pv.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      boolean preBound = pv.getSpec().getClaimRef() != null && isFor(pv, claim);
      if (pv.getSpec().getClaimRef() != null && !preBound) {
        continue;
      }
      if (!fits(claim, pv, want)) {
        continue;
      }
      if (preBound) {
        return pv;
      }
      String phase = pv.getStatus() == null ? null : pv.getStatus().getPhase();
      if (phase != null && !"Available".equals(phase) && !"Pending".equals(phase)) {
        continue;
      }
      BigDecimal size = storage(pv.getSpec().getCapacity() == null ? null : pv.getSpec().getCapacity().get("storage"));
      if (best == null || size.compareTo(bestSize) < 0) {
        best = pv;
        bestSize = size;
      }
    }
    return best;
  }

  static boolean fits(PersistentVolumeClaim claim, PersistentVolume pv, BigDecimal want) {
    if (!Objects.equals(nz(claim.getSpec().getStorageClassName()), nz(pv.getSpec().getStorageClassName()))) {
      return false;
    }
    List<String> modes = claim.getSpec().getAccessModes();
    if (modes != null && !modes.isEmpty() && (pv.getSpec().getAccessModes() == null
        || !pv.getSpec().getAccessModes().containsAll(modes))) {
      return false;
    }
    if (!mode(claim.getSpec().getVolumeMode()).equals(mode(pv.getSpec().getVolumeMode()))) {
      return false;
    }
    if (claim.getSpec().getSelector() != null && !LabelSelectors.isEmpty(claim.getSpec().getSelector())
        && !LabelSelectors.matches(claim.getSpec().getSelector(), pv.getMetadata().getLabels() == null
            ? java.util.Map.of() : pv.getMetadata().getLabels())) {
      return false;
    }
    BigDecimal size = storage(pv.getSpec().getCapacity() == null ? null : pv.getSpec().getCapacity().get("storage"));
    return size.compareTo(want) >= 0;
  }

  /** Whether the PV's claimRef names this claim (same namespace and name, and uid if the ref has one). */
  static boolean isFor(PersistentVolume pv, PersistentVolumeClaim claim) {
    var ref = pv.getSpec().getClaimRef();
    return ref != null && claim.getMetadata().getName().equals(ref.getName())
        && claim.getMetadata().getNamespace().equals(ref.getNamespace())
        && (ref.getUid() == null || ref.getUid().isEmpty() || ref.getUid().equals(claim.getMetadata().getUid()));
  }

  static BigDecimal storage(Quantity q) {
    return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String mode(String m) {
    return m == null || m.isEmpty() ? "Filesystem" : m;
  }
}
