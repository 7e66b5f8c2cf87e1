package io.quarkube.controllers.history;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.deployment.TemplateHash;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.LabelSelectors;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The ControllerRevisions of a DaemonSet or StatefulSet (upstream's {@code controller/history}): one per distinct pod
 * template, named {@code <owner>-<hash>}, labelled like the template plus {@code controller-revision-hash}, owned by
 * the workload, numbered in {@code revision}. Their {@code data} is the strategic merge patch
 * {@code {"spec":{"template":{..., "$patch":"replace"}}}} that {@code kubectl rollout undo} sends back to restore it,
 * and {@code kubectl rollout history} lists them by the owner's selector and controller reference.
 */
public final class RevisionHistory {
  public static final String HASH_LABEL = "controller-revision-hash";

  private final Indexer<ControllerRevision> revisions;
  private final ObjectWriter writer;

  public RevisionHistory(Indexer<ControllerRevision> revisions, ObjectWriter writer) {
    this.revisions = revisions;
    this.writer = writer;
  }

  /** The owner's revisions (controlled by it, oldest revision first); adopts matching orphans as upstream does. */
  public List<ControllerRevision> owned(HasMetadata owner, LabelSelector selector) {
    List<ControllerRevision> out = new ArrayList<>();
    String uid = owner.getMetadata().getUid();
    for (ControllerRevision r : revisions.byIndex("namespace", owner.getMetadata().getNamespace())) {
      var ref = Owners.controllerOf(r);
      if (ref.isPresent()) {
        if (uid.equals(ref.get().getUid())) {
          out.add(r);
        }
      } else if (LabelSelectors.matches(selector, r.getMetadata().getLabels())
          && owner.getMetadata().getDeletionTimestamp() == null && r.getMetadata().getDeletionTimestamp() == null) {
        ControllerRevision copy = Serialization.clone(r);
        List<OwnerReference> refs = new ArrayList<>(Owners.refs(copy));
        refs.add(Owners.controllerRef(owner));
        copy.getMetadata().setOwnerReferences(refs);
        try {
          out.add(writer.update(copy));
        } catch (RuntimeException e) {
          if (!ApiErrors.isNotFound(e)) {
            throw e;
          }
        }
      }
    }
    out.sort(Comparator.comparingLong(RevisionHistory::number).thenComparing(r -> r.getMetadata().getName()));
    return out;
  }

  public static long number(ControllerRevision r) {
    return r.getRevision() == null ? 0 : r.getRevision();
  }

  public static String hash(ControllerRevision r) {
    return r.getMetadata().getLabels() == null ? null : r.getMetadata().getLabels().get(HASH_LABEL);
  }

  /** The pod template a revision holds. */
  public static PodTemplateSpec template(ControllerRevision r) {
    Object data = r.getData();
    if (data instanceof io.fabric8.kubernetes.api.model.AnyType any) {
      data = any.getValue(); // what the client decodes {@code data} into (a RawExtension)
    }
    if (!(data instanceof Map<?, ?> m) || !(m.get("spec") instanceof Map<?, ?> spec)
        || !(spec.get("template") instanceof Map<?, ?> t)) {
      return null;
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    t.forEach((k, v) -> {
      if (!"$patch".equals(k)) {
        copy.put((String) k, v);
      }
    });
    return Serialization.unmarshal(Serialization.asJson(copy), PodTemplateSpec.class);
  }

  /** The patch that restores {@code template}, as upstream's {@code getPatch}. */
  static Map<String, Object> patch(PodTemplateSpec template) {
    @SuppressWarnings("unchecked")
    Map<String, Object> t = Serialization.unmarshal(Serialization.asJson(template), LinkedHashMap.class);
    t.put("$patch", "replace");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("template", t);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("spec", spec);
    return data;
  }

  /** What {@link #current} found or made: the revision of the owner's template and every owned revision. */
  public record Current(ControllerRevision revision, List<ControllerRevision> all) {
  }

  /** Thrown when the name of a new revision is taken by a different one: the owner's collisionCount must grow. */
  public static final class Collision extends RuntimeException {
    public Collision(String name) {
      super("controller revision " + name + " exists with different content");
    }
  }

  /**
   * The revision for {@code template}: an owned one with an equal template (given the highest number when it is not
   * the newest, so an undo's revision becomes the newest) or a new one numbered max + 1.
   */
  public Current current(HasMetadata owner, LabelSelector selector, PodTemplateSpec template, Integer collisionCount) {
    List<ControllerRevision> all = new ArrayList<>(owned(owner, selector));
    long max = all.stream().mapToLong(RevisionHistory::number).max().orElse(0);
    ControllerRevision equal = null;
    for (ControllerRevision r : all) {
      PodTemplateSpec t = template(r);
      if (t != null && TemplateHash.equalIgnoringHash(t, template)) {
        equal = r; // the newest equal one wins (sorted oldest first)
      }
    }
    if (equal != null) {
      if (number(equal) < max) {
        ControllerRevision copy = Serialization.clone(equal);
        copy.setRevision(max + 1);
        ControllerRevision updated = writer.update(copy);
        all.replaceAll(r -> r.getMetadata().getUid().equals(updated.getMetadata().getUid()) ? updated : r);
        all.sort(Comparator.comparingLong(RevisionHistory::number));
        return new Current(updated, all);
      }
      return new Current(equal, all);
    }
    String hash = TemplateHash.of(template, collisionCount);
    Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? new HashMap<>() : new HashMap<>(template.getMetadata().getLabels());
    labels.put(HASH_LABEL, hash);
    String name = prefix(owner.getMetadata().getName()) + "-" + hash;
    ControllerRevision fresh = new ControllerRevisionBuilder().withNewMetadata()
        .withNamespace(owner.getMetadata().getNamespace()).withName(name).withLabels(labels)
        .withAnnotations(owner.getMetadata().getAnnotations() == null ? null
            : withoutLastApplied(owner.getMetadata().getAnnotations()))
        .withOwnerReferences(Owners.controllerRef(owner)).endMetadata()
        .withData(patch(template)).withRevision(max + 1).build();
    try {
      ControllerRevision created = writer.create(fresh);
      all.add(created);
      return new Current(created, all);
    } catch (RuntimeException e) {
      if (!ApiErrors.isAlreadyExists(e)) {
        throw e;
      }
      ControllerRevision existing = revisions.getByKey(Keys.of(owner.getMetadata().getNamespace(), name));
      if (existing == null) {
        throw e; // our own create the informer has not shown yet, not a collision: retry (upstream does the same)
      }
      if (Owners.controllerOf(existing).map(r -> Objects.equals(r.getUid(),
          owner.getMetadata().getUid())).orElse(false) && template(existing) != null
          && TemplateHash.equalIgnoringHash(template(existing), template)) {
        ControllerRevision copy = Serialization.clone(existing);
        copy.setRevision(max + 1);
        ControllerRevision updated = writer.update(copy);
        all.add(updated);
        return new Current(updated, all);
      }
      throw new Collision(name);
    }
  }

  /**
   * Deletes the oldest revisions beyond {@code limit}, never one in {@code live} (names of the current and update
   * revisions and of revisions pods still run).
   */
  public void truncate(List<ControllerRevision> all, Set<String> live, int limit) {
    List<ControllerRevision> old = all.stream().filter(r -> !live.contains(r.getMetadata().getName())).toList();
    for (int i = 0; i < old.size() - limit; i++) {
      writer.delete(old.get(i), null);
    }
  }

  private static Map<String, String> withoutLastApplied(Map<String, String> annotations) {
    Map<String, String> out = new HashMap<>(annotations);
    out.remove("kubectl.kubernetes.io/last-applied-configuration");
    out.remove("deprecated.daemonset.template.generation");
    return out.isEmpty() ? null : out;
  }

  /** Upstream truncates the owner's name so {@code <prefix>-<hash>} stays a valid name. */
  private static String prefix(String name) {
    return name.length() > 223 ? name.substring(0, 223) : name;
  }
}
