package io.quarkube.apiserver.registry.apps;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.registry.core.PodSpecDefaults;
import io.quarkube.apiserver.registry.core.PodSpecValidator;
import io.quarkube.apiserver.selection.LabelSelectors;
import io.quarkube.machinery.status.WorkloadStatuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The workload controllers' objects: they track generation, default their pod templates like pods, and require a
 * selector that selects the template's labels.
 */
public final class WorkloadStrategies {
  private WorkloadStrategies() {}

  public static Strategy<Deployment> deployments() {
    return new Base<>() {
      @Override
      void normalizeStatus(Deployment o) {
        WorkloadStatuses.normalize(o.getStatus());
      }

      @Override
      void defaults(Deployment d) {
        var spec = d.getSpec();
        if (spec == null) {
          return;
        }
        if (spec.getReplicas() == null) {
          spec.setReplicas(1);
        }
        if (spec.getStrategy() == null) {
          spec.setStrategy(new DeploymentStrategy());
        }
        if (spec.getStrategy().getType() == null) {
          spec.getStrategy().setType("RollingUpdate");
        }
        if ("RollingUpdate".equals(spec.getStrategy().getType())) {
          RollingUpdateDeployment ru = spec.getStrategy().getRollingUpdate();
          if (ru == null) {
            ru = new RollingUpdateDeployment();
            spec.getStrategy().setRollingUpdate(ru);
          }
          if (ru.getMaxSurge() == null) {
            ru.setMaxSurge(new IntOrString("25%"));
          }
          if (ru.getMaxUnavailable() == null) {
            ru.setMaxUnavailable(new IntOrString("25%"));
          }
        }
        if (spec.getRevisionHistoryLimit() == null) {
          spec.setRevisionHistoryLimit(10);
        }
        if (spec.getProgressDeadlineSeconds() == null) {
          spec.setProgressDeadlineSeconds(600);
        }
        PodSpecDefaults.apply(spec.getTemplate());
      }

      @Override
      void check(Deployment d, List<FieldError> errors) {
        var spec = d.getSpec();
        if (spec == null) {
          errors.add(FieldError.required("spec", ""));
          return;
        }
        replicas(spec.getReplicas(), errors);
        selectorAndTemplate(spec.getSelector(), spec.getTemplate(), errors);
        DeploymentValidation.restartsAlways(spec.getTemplate(), errors);
        DeploymentValidation.validate(spec, errors);
      }
    };
  }

  public static Strategy<ReplicaSet> replicaSets() {
    return new Base<>() {
      @Override
      void normalizeStatus(ReplicaSet o) {
        WorkloadStatuses.normalize(o.getStatus());
      }

      @Override
      void defaults(ReplicaSet rs) {
        if (rs.getSpec() != null) {
          if (rs.getSpec().getReplicas() == null) {
            rs.getSpec().setReplicas(1);
          }
          PodSpecDefaults.apply(rs.getSpec().getTemplate());
        }
      }

      @Override
      void check(ReplicaSet rs, List<FieldError> errors) {
        if (rs.getSpec() == null) {
          errors.add(FieldError.required("spec", ""));
          return;
        }
        replicas(rs.getSpec().getReplicas(), errors);
        selectorAndTemplate(rs.getSpec().getSelector(), rs.getSpec().getTemplate(), errors);
        DeploymentValidation.restartsAlways(rs.getSpec().getTemplate(), errors);
      }
    };
  }

  public static Strategy<StatefulSet> statefulSets() {
    return new Base<>() {
      @Override
      void normalizeStatus(StatefulSet o) {
        WorkloadStatuses.normalize(o.getStatus());
      }

      @Override
      void defaults(StatefulSet s) {
        var spec = s.getSpec();
        if (spec == null) {
          return;
        }
        if (spec.getReplicas() == null) {
          spec.setReplicas(1);
        }
        if (spec.getPodManagementPolicy() == null) {
          spec.setPodManagementPolicy("OrderedReady");
        }
        if (spec.getRevisionHistoryLimit() == null) {
          spec.setRevisionHistoryLimit(10);
        }
        if (spec.getUpdateStrategy() == null) {
          spec.setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategyBuilder()
              .withType("RollingUpdate").withNewRollingUpdate().withPartition(0).endRollingUpdate().build());
        }
        if (spec.getUpdateStrategy().getType() == null) {
          spec.getUpdateStrategy().setType("RollingUpdate");
        }
        if ("RollingUpdate".equals(spec.getUpdateStrategy().getType())) {
          if (spec.getUpdateStrategy().getRollingUpdate() == null) {
            spec.getUpdateStrategy().setRollingUpdate(
                new io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy());
          }
          if (spec.getUpdateStrategy().getRollingUpdate().getPartition() == null) {
            spec.getUpdateStrategy().getRollingUpdate().setPartition(0);
          }
        }
        var retention = spec.getPersistentVolumeClaimRetentionPolicy();
        if (retention == null) {
          retention = new io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy();
          spec.setPersistentVolumeClaimRetentionPolicy(retention);
        }
        if (retention.getWhenDeleted() == null) {
          retention.setWhenDeleted("Retain");
        }
        if (retention.getWhenScaled() == null) {
          retention.setWhenScaled("Retain");
        }
        PodSpecDefaults.apply(spec.getTemplate());
      }

      @Override
      void check(StatefulSet s, List<FieldError> errors) {
        if (s.getSpec() == null) {
          errors.add(FieldError.required("spec", ""));
          return;
        }
        replicas(s.getSpec().getReplicas(), errors);
        selectorAndTemplate(s.getSpec().getSelector(), s.getSpec().getTemplate(), errors);
      }
    };
  }

  public static Strategy<DaemonSet> daemonSets() {
    return new Base<>() {
      @Override
      void normalizeStatus(DaemonSet o) {
        WorkloadStatuses.normalize(o.getStatus());
      }

      @Override
      void defaults(DaemonSet ds) {
        var spec = ds.getSpec();
        if (spec == null) {
          return;
        }
        if (spec.getRevisionHistoryLimit() == null) {
          spec.setRevisionHistoryLimit(10);
        }
        if (spec.getUpdateStrategy() == null) {
          spec.setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder()
              .withType("RollingUpdate").withNewRollingUpdate().withMaxUnavailable(new IntOrString(1))
              .withMaxSurge(new IntOrString(0)).endRollingUpdate().build());
        }
        if (spec.getUpdateStrategy().getType() == null) {
          spec.getUpdateStrategy().setType("RollingUpdate");
        }
        if ("RollingUpdate".equals(spec.getUpdateStrategy().getType())) {
          var ru = spec.getUpdateStrategy().getRollingUpdate();
          if (ru == null) {
            ru = new io.fabric8.kubernetes.api.model.apps.RollingUpdateDaemonSet();
            spec.getUpdateStrategy().setRollingUpdate(ru);
          }
          if (ru.getMaxUnavailable() == null) {
            ru.setMaxUnavailable(new IntOrString(1));
          }
          if (ru.getMaxSurge() == null) {
            ru.setMaxSurge(new IntOrString(0));
          }
        }
        PodSpecDefaults.apply(spec.getTemplate());
      }

      @Override
      void check(DaemonSet ds, List<FieldError> errors) {
        if (ds.getSpec() == null) {
          errors.add(FieldError.required("spec", ""));
          return;
        }
        selectorAndTemplate(ds.getSpec().getSelector(), ds.getSpec().getTemplate(), errors);
      }
    };
  }

  public static Strategy<ReplicationController> replicationControllers() {
    return new Base<>() {
      @Override
      void normalizeStatus(ReplicationController o) {
        WorkloadStatuses.normalize(o.getStatus());
      }

      @Override
      void defaults(ReplicationController rc) {
        var spec = rc.getSpec();
        if (spec == null) {
          return;
        }
        if (spec.getReplicas() == null) {
          spec.setReplicas(1);
        }
        // An RC without a selector selects its template's labels, and a template without labels gets them.
        if ((spec.getSelector() == null || spec.getSelector().isEmpty()) && spec.getTemplate() != null
            && spec.getTemplate().getMetadata() != null) {
          spec.setSelector(spec.getTemplate().getMetadata().getLabels());
        }
        if (rc.getMetadata().getLabels() == null && spec.getTemplate() != null
            && spec.getTemplate().getMetadata() != null) {
          rc.getMetadata().setLabels(spec.getTemplate().getMetadata().getLabels());
        }
        PodSpecDefaults.apply(spec.getTemplate());
      }

      @Override
      void check(ReplicationController rc, List<FieldError> errors) {
        if (rc.getSpec() == null) {
          errors.add(FieldError.required("spec", ""));
          return;
        }
        replicas(rc.getSpec().getReplicas(), errors);
        Map<String, String> selector = rc.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
          errors.add(FieldError.required("spec.selector", ""));
        }
        templateMatches(new LabelSelector(null, selector), rc.getSpec().getTemplate(), errors);
      }
    };
  }

  /** Generation tracking, defaulting on both paths and validation through one {@code check}. */
  private abstract static class Base<T extends io.fabric8.kubernetes.api.model.HasMetadata> implements Strategy<T> {
    abstract void defaults(T obj);

    abstract void check(T obj, List<FieldError> errors);

    /** The status as upstream serializes it, whoever wrote it (see {@link WorkloadStatuses}). */
    abstract void normalizeStatus(T obj);

    @Override
    public boolean tracksGeneration() {
      return true;
    }

    @Override
    public void prepareForCreate(T obj) {
      defaults(obj);
      normalizeStatus(obj);
    }

    @Override
    public void prepareForUpdate(T obj, T old) {
      defaults(obj);
      normalizeStatus(obj);
    }

    @Override
    public List<FieldError> validate(T obj) {
      List<FieldError> errors = new ArrayList<>();
      check(obj, errors);
      return errors;
    }
  }

  static void replicas(Integer replicas, List<FieldError> errors) {
    if (replicas != null && replicas < 0) {
      errors.add(FieldError.invalid("spec.replicas", replicas, "must be greater than or equal to 0"));
    }
  }

  static void selectorAndTemplate(LabelSelector selector, PodTemplateSpec template, List<FieldError> errors) {
    if (selector == null || LabelSelectors.isEmpty(selector)) {
      errors.add(FieldError.required("spec.selector", ""));
      return;
    }
    templateMatches(selector, template, errors);
  }

  private static void templateMatches(LabelSelector selector, PodTemplateSpec template, List<FieldError> errors) {
    if (template == null) {
      errors.add(FieldError.required("spec.template", ""));
      return;
    }
    Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels();
    if (!LabelSelectors.matches(selector, labels)) {
      errors.add(FieldError.invalid("spec.template.metadata.labels", labels.toString(),
          "`selector` does not match template `labels`"));
    }
    PodSpecValidator.validate(template.getSpec(), "spec.template.spec", errors);
  }
}
