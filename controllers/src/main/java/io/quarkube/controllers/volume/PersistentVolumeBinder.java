package io.quarkube.controllers.volume;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's {@code persistentvolume-binder} with a built-in dynamic provisioner, like k3s' local-path one.
 * Claims bind to a PV pre-bound to them or to the smallest matching Available PV ({@link VolumeMatcher}); both
 * sides are written (PV {@code claimRef} and phase Bound, claim {@code volumeName}, phase, capacity, access modes).
 * Claims of a WaitForFirstConsumer class wait until the scheduler chose a node
 * ({@code volume.kubernetes.io/selected-node}); claims of the {@code quarkube.io/local-path} provisioner with no
 * matching PV get a new PV {@code pvc-<claim uid>}: a hostPath folder {@code <root>/<pv name>} (type
 * DirectoryOrCreate, so the kubelet makes it) with node affinity to that node. When the claim goes, its PV is
 * Released and then kept (Retain) or deleted (Delete: only provisioned PVs can be; others go Failed as upstream's
 * do without a deleter). Keys are {@code claim:<ns>/<name>}, {@code volume:<name>} and {@code class:<name>} (the
 * default StorageClass {@code local-path}, created when missing).
 */
public final class PersistentVolumeBinder extends Controller<String> {
  public static final String NAME = "persistentvolume-binder";
  public static final String PROVISIONER = "quarkube.io/local-path";
  public static final String DEFAULT_CLASS = "local-path";
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
  static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
  static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
  static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  static final String IS_DEFAULT = "storageclass.kubernetes.io/is-default-class";
  private static final String CLAIM = "claim:";
  private static final String VOLUME = "volume:";
  private static final String CLASS = "class:";

  private final Indexer<PersistentVolume> pvs;
  private final Indexer<PersistentVolumeClaim> claims;
  private final Indexer<StorageClass> classes;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Path root;
  private final boolean createDefaultClass;

  /**
   * @param root the folder provisioned volumes live under on every node (the kubelet's state folder)
   * @param createDefaultClass whether to create the {@code local-path} StorageClass when it is missing
   */
  public PersistentVolumeBinder(ControllerContext ctx, Path root, boolean createDefaultClass) {
    super(NAME);
    this.root = root;
    this.createDefaultClass = createDefaultClass;
    this.pvs = ctx.informers().indexer(PersistentVolume.class);
    this.claims = ctx.informers().indexer(PersistentVolumeClaim.class);
    this.classes = ctx.informers().indexer(StorageClass.class);
    this.writer = ctx.writer();
    this.events = ctx.recorder("persistentvolume-controller");
    ctx.informers().addEventHandler(PersistentVolumeClaim.class, new ResourceEventHandler<PersistentVolumeClaim>() {
      @Override
      public void onAdd(PersistentVolumeClaim c) {
        enqueue(CLAIM + Keys.of(c));
      }

      @Override
      public void onUpdate(PersistentVolumeClaim o, PersistentVolumeClaim c) {
        enqueue(CLAIM + Keys.of(c));
      }

      @Override
      public void onDelete(PersistentVolumeClaim c, boolean unknown) {
        // Its volume is released now.
        String vn = c.getSpec() == null ? null : c.getSpec().getVolumeName();
        if (vn != null && !vn.isEmpty()) {
          enqueue(VOLUME + vn);
        }
      }
    });
    ctx.informers().addEventHandler(PersistentVolume.class, enqueueing(v -> VOLUME + v.getMetadata().getName()));
    ctx.informers().addEventHandler(StorageClass.class, enqueueing(c -> CLASS + c.getMetadata().getName()));
    waitForSync(ctx.informers(), PersistentVolume.class);
    waitForSync(ctx.informers(), PersistentVolumeClaim.class);
    waitForSync(ctx.informers(), StorageClass.class);
    enqueue(CLASS + DEFAULT_CLASS);
  }

  @Override
  protected void reconcile(String key) {
    if (key.startsWith(CLAIM)) {
      PersistentVolumeClaim c = claims.getByKey(key.substring(CLAIM.length()));
      if (c != null && c.getMetadata().getDeletionTimestamp() == null) {
        syncClaim(Serialization.clone(c));
      }
    } else if (key.startsWith(VOLUME)) {
      PersistentVolume v = pvs.getByKey(key.substring(VOLUME.length()));
      if (v != null && v.getMetadata().getDeletionTimestamp() == null) {
        syncVolume(Serialization.clone(v));
      }
    } else if (key.startsWith(CLASS)) {
      syncClass(key.substring(CLASS.length()));
    }
  }

  // ------------------------------------------------------------------ claims

  private void syncClaim(PersistentVolumeClaim claim) {
    String volumeName = claim.getSpec().getVolumeName();
    if (volumeName == null || volumeName.isEmpty()) {
      syncUnboundClaim(claim);
      return;
    }
    PersistentVolume pv = pvs.getByKey(volumeName);
    if (pv == null) {
      if ("Bound".equals(phase(claim))) {
        setClaimPhase(claim, "Lost");
        events.warning(claim, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
      } else {
        setClaimPhase(claim, "Pending");
      }
      return;
    }
    if (pv.getSpec().getClaimRef() == null || VolumeMatcher.isFor(pv, claim)) {
      bind(Serialization.clone(pv), claim);
    } else if (!"Lost".equals(phase(claim))) {
      setClaimPhase(claim, "Lost");
      events.warning(claim, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly");
    }
  }

  private void syncUnboundClaim(PersistentVolumeClaim claim) {
    StorageClass sc = className(claim).isEmpty() ? null : classes.getByKey(className(claim));
    boolean delayed = sc != null && "WaitForFirstConsumer".equals(sc.getVolumeBindingMode());
    String selectedNode = annotation(claim, SELECTED_NODE);
    PersistentVolume pv = VolumeMatcher.find(claim, pvs.list());
    if (pv != null && (!delayed || pv.getSpec().getClaimRef() != null)) {
      // The scheduler picks (and pre-binds) static PVs of delayed classes itself; honour its choice.
      bind(Serialization.clone(pv), claim);
      return;
    }
    setClaimPhase(claim, "Pending");
    if (delayed && selectedNode == null) {
      events.normal(claim, "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
      return;
    }
    if (sc != null && PROVISIONER.equals(sc.getProvisioner())) {
      provision(claim, sc, selectedNode);
    } else if (sc != null && sc.getProvisioner() != null && !"kubernetes.io/no-provisioner".equals(
        sc.getProvisioner())) {
      events.normal(claim, "ExternalProvisioning", "Waiting for a volume to be created either by the external "
          + "provisioner '%s' or manually by the system administrator. If volume creation is delayed, please verify "
          + "that the provisioner is running and correctly registered.", sc.getProvisioner());
    } else {
      events.normal(claim, "FailedBinding", sc == null
          ? "no persistent volumes available for this claim and no storage class is set"
          : "no persistent volumes available for this claim");
    }
  }

  /** Makes {@code pv} and {@code claim} point at each other and both Bound, writing only what differs. */
  private void bind(PersistentVolume pv, PersistentVolumeClaim claim) {
    ObjectReference ref = claimRef(claim);
    if (!sameRef(pv.getSpec().getClaimRef(), ref)) {
      boolean byController = pv.getSpec().getClaimRef() == null;
      pv.getSpec().setClaimRef(ref);
      if (byController) {
        annotate(pv.getMetadata(), BOUND_BY_CONTROLLER, "yes");
      }
      pv = writer.update(pv);
    }
    if (!"Bound".equals(phase(pv))) {
      pv = writer.updateStatus(new PersistentVolumeBuilder(pv).withStatus(volumeStatus("Bound")).build());
    }
    if (!pv.getMetadata().getName().equals(claim.getSpec().getVolumeName())
        || !"yes".equals(annotation(claim, BIND_COMPLETED))) {
      boolean byController = claim.getSpec().getVolumeName() == null || claim.getSpec().getVolumeName().isEmpty();
      claim.getSpec().setVolumeName(pv.getMetadata().getName());
      annotate(claim.getMetadata(), BIND_COMPLETED, "yes");
      if (byController) {
        annotate(claim.getMetadata(), BOUND_BY_CONTROLLER, "yes");
      }
      claim = writer.update(claim);
    }
    PersistentVolumeClaimStatus st = claim.getStatus() == null ? new PersistentVolumeClaimStatus()
        : claim.getStatus();
    Map<String, Quantity> capacity = pv.getSpec().getCapacity();
    if (!"Bound".equals(st.getPhase()) || !Objects.equals(st.getCapacity(), capacity)
        || !Objects.equals(st.getAccessModes(), pv.getSpec().getAccessModes())) {
      st.setPhase("Bound");
      st.setCapacity(capacity);
      st.setAccessModes(pv.getSpec().getAccessModes());
      writer.updateStatus(new PersistentVolumeClaimBuilder(claim).withStatus(st).build());
    }
  }

  private void provision(PersistentVolumeClaim claim, StorageClass sc, String node) {
    String name = "pvc-" + claim.getMetadata().getUid();
    if (pvs.getByKey(name) != null) {
      return; // made by an earlier round; its event binds the claim
    }
    Quantity size = claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null
        ? null : claim.getSpec().getResources().getRequests().get("storage");
    PersistentVolumeBuilder b = new PersistentVolumeBuilder().withNewMetadata().withName(name)
        .addToAnnotations(PROVISIONED_BY, PROVISIONER).endMetadata().withNewSpec()
        .addToCapacity("storage", size == null ? new Quantity("0") : size)
        .withAccessModes(claim.getSpec().getAccessModes() == null || claim.getSpec().getAccessModes().isEmpty()
            ? List.of("ReadWriteOnce") : claim.getSpec().getAccessModes())
        .withPersistentVolumeReclaimPolicy(sc.getReclaimPolicy() == null ? "Delete" : sc.getReclaimPolicy())
        .withStorageClassName(sc.getMetadata().getName()).withVolumeMode(claim.getSpec().getVolumeMode())
        .withClaimRef(claimRef(claim)).withNewHostPath().withPath(root.resolve(name).toString())
        .withType("DirectoryOrCreate").endHostPath().endSpec();
    if (node != null) {
      b.editSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
          .withKey("kubernetes.io/hostname").withOperator("In").withValues(node).endMatchExpression()
          .endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec();
    }
    try {
      writer.create(b.build());
      events.normal(claim, "ProvisioningSucceeded", "Successfully provisioned volume %s", name);
    } catch (RuntimeException e) {
      if (!ApiErrors.isAlreadyExists(e)) {
        events.warning(claim, "ProvisioningFailed", "Failed to provision volume with StorageClass \"%s\": %s",
            sc.getMetadata().getName(), e.getMessage());
        throw e;
      }
    }
  }

  // ------------------------------------------------------------------ volumes

  private void syncVolume(PersistentVolume pv) {
    ObjectReference ref = pv.getSpec().getClaimRef();
    if (ref == null) {
      setVolumePhase(pv, "Available");
      return;
    }
    PersistentVolumeClaim claim = claims.getByKey(Keys.of(ref.getNamespace(), ref.getName()));
    if (ref.getUid() == null || ref.getUid().isEmpty()) {
      // Pre-bound to a claim by name: wait for it (its sync binds).
      setVolumePhase(pv, "Available");
      if (claim != null) {
        enqueue(CLAIM + Keys.of(claim));
      }
      return;
    }
    if (claim != null && ref.getUid().equals(claim.getMetadata().getUid())) {
      String vn = claim.getSpec().getVolumeName();
      if (vn == null || vn.isEmpty()) {
        enqueue(CLAIM + Keys.of(claim)); // binding half done: the claim's sync finishes it
      } else if (vn.equals(pv.getMetadata().getName())) {
        setVolumePhase(pv, "Bound");
      } else if ("yes".equals(annotation(pv, BOUND_BY_CONTROLLER))) {
        pv.getSpec().setClaimRef(null); // the claim went to another volume: give this one back
        writer.update(pv);
      } else {
        setVolumePhase(pv, "Released");
      }
      return;
    }
    // The claim is gone: released, then reclaimed by policy.
    if (!"Released".equals(phase(pv)) && !"Failed".equals(phase(pv))) {
      pv = setVolumePhase(pv, "Released");
    }
    String policy = pv.getSpec().getPersistentVolumeReclaimPolicy() == null ? "Retain"
        : pv.getSpec().getPersistentVolumeReclaimPolicy();
    if ("Delete".equals(policy)) {
      if (PROVISIONER.equals(annotation(pv, PROVISIONED_BY))) {
        try {
          writer.delete(pv, DeletionPropagation.BACKGROUND);
        } catch (RuntimeException e) {
          if (!ApiErrors.isNotFound(e)) {
            throw e;
          }
        }
      } else if (!"Failed".equals(phase(pv))) {
        setVolumePhase(pv, "Failed");
        events.warning(pv, "VolumeFailedDelete", "error getting deleter volume plugin for volume \"%s\": no "
            + "deletable volume plugin matched", pv.getMetadata().getName());
      }
    } else if ("Recycle".equals(policy) && !"Failed".equals(phase(pv))) {
      setVolumePhase(pv, "Failed");
      events.warning(pv, "VolumeFailedRecycle", "No recycler plugin found for the volume!");
    }
  }

  private PersistentVolume setVolumePhase(PersistentVolume pv, String phase) {
    if (phase.equals(phase(pv))) {
      return pv;
    }
    return writer.updateStatus(new PersistentVolumeBuilder(pv).withStatus(volumeStatus(phase)).build());
  }

  private void setClaimPhase(PersistentVolumeClaim claim, String phase) {
    if (phase.equals(phase(claim))) {
      return;
    }
    PersistentVolumeClaimStatus st = claim.getStatus() == null ? new PersistentVolumeClaimStatus()
        : claim.getStatus();
    st.setPhase(phase);
    writer.updateStatus(new PersistentVolumeClaimBuilder(claim).withStatus(st).build());
  }

  // ------------------------------------------------------------------ the default class

  private void syncClass(String name) {
    if (!createDefaultClass || !DEFAULT_CLASS.equals(name) || classes.getByKey(name) != null) {
      return;
    }
    // Only once at start-up (and after a loss of leadership): a deleted class stays deleted until then.
    if (classes.list().stream().anyMatch(c -> "true".equals(annotation(c, IS_DEFAULT)))) {
      return; // the administrator chose another default
    }
    try {
      writer.create(new StorageClassBuilder().withNewMetadata().withName(DEFAULT_CLASS)
          .addToAnnotations(IS_DEFAULT, "true").endMetadata().withProvisioner(PROVISIONER)
          .withReclaimPolicy("Delete").withVolumeBindingMode("WaitForFirstConsumer").build());
    } catch (RuntimeException e) {
      if (!ApiErrors.isAlreadyExists(e)) {
        throw e;
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private static PersistentVolumeStatus volumeStatus(String phase) {
    PersistentVolumeStatus st = new PersistentVolumeStatus();
    st.setPhase(phase);
    return st;
  }

  private static ObjectReference claimRef(PersistentVolumeClaim c) {
    return new ObjectReferenceBuilder().withApiVersion("v1").withKind("PersistentVolumeClaim")
        .withNamespace(c.getMetadata().getNamespace()).withName(c.getMetadata().getName())
        .withUid(c.getMetadata().getUid()).withResourceVersion(c.getMetadata().getResourceVersion()).build();
  }

  private static boolean sameRef(ObjectReference a, ObjectReference b) {
    return a != null && Objects.equals(a.getNamespace(), b.getNamespace()) && Objects.equals(a.getName(), b.getName())
        && Objects.equals(a.getUid(), b.getUid());
  }

  private static String className(PersistentVolumeClaim c) {
    return c.getSpec().getStorageClassName() == null ? "" : c.getSpec().getStorageClassName();
  }

  private static String phase(PersistentVolume pv) {
    return pv.getStatus() == null ? null : pv.getStatus().getPhase();
  }

  private static String phase(PersistentVolumeClaim c) {
    return c.getStatus() == null ? null : c.getStatus().getPhase();
  }

  private static String annotation(io.fabric8.kubernetes.api.model.HasMetadata o, String key) {
    return o.getMetadata().getAnnotations() == null ? null : o.getMetadata().getAnnotations().get(key);
  }

  private static void annotate(io.fabric8.kubernetes.api.model.ObjectMeta m, String key, String value) {
    Map<String, String> a = m.getAnnotations() == null ? new HashMap<>() : new HashMap<>(m.getAnnotations());
    a.put(key, value);
    m.setAnnotations(a);
  }
}
