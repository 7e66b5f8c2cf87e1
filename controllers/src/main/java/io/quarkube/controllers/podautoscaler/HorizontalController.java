package io.quarkube.controllers.podautoscaler;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's {@code horizontalpodautoscaling} controller for resource metrics: every 15 s
 * ({@code --horizontal-pod-autoscaler-sync-period}) each HPA reads its target's {@code scale} subresource, the
 * selected pods' usage from {@code metrics.k8s.io} (through the API server), computes a count per metric with the
 * {@link ReplicaCalculator}, takes the largest, stabilizes and limits it ({@link ScaleNormalizer}), writes the scale
 * when it changes and the status with upstream's conditions (AbleToScale, ScalingActive, ScalingLimited) and events.
 * Pods, Object and External metrics need the custom/external metrics APIs, which are not served: they fail with
 * upstream's reasons.
 */
public final class HorizontalController extends Controller<String> {
  public static final String NAME = "horizontalpodautoscaling";
  static final Duration SYNC_PERIOD = Duration.ofSeconds(15);

  /** The target's scale subresource and the pods' metrics, through the API server. */
  public interface Sources {
    Scale getScale(String namespace, CrossVersionObjectReference ref);

    Scale updateScale(String namespace, CrossVersionObjectReference ref, Scale scale);

    List<PodMetrics> podMetrics(String namespace);
  }

  private final Indexer<HorizontalPodAutoscaler> autoscalers;
  private final Indexer<Pod> pods;
  private final Sources sources;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Clock clock;
  private final ScaleNormalizer normalizer = new ScaleNormalizer();

  public HorizontalController(ControllerContext ctx) {
    this(ctx, clientSources(ctx.client()), Clock.systemUTC());
  }

  HorizontalController(ControllerContext ctx, Sources sources, Clock clock) {
    super(NAME);
    this.sources = sources;
    this.clock = clock;
    this.autoscalers = ctx.informers().indexer(HorizontalPodAutoscaler.class);
    this.pods = ctx.informers().indexer(Pod.class);
    this.writer = ctx.writer();
    this.events = ctx.recorder("horizontal-pod-autoscaler");
    ctx.informers().addEventHandler(HorizontalPodAutoscaler.class, new ResourceEventHandler<>() {
      @Override
      public void onAdd(HorizontalPodAutoscaler obj) {
        enqueue(Keys.of(obj));
      }

      @Override
      public void onUpdate(HorizontalPodAutoscaler oldObj, HorizontalPodAutoscaler newObj) {
        // status writes come back here: only spec changes need an early look, the resync comes anyway
        if (!Objects.equals(oldObj.getSpec(), newObj.getSpec())) {
          enqueue(Keys.of(newObj));
        }
      }

      @Override
      public void onDelete(HorizontalPodAutoscaler obj, boolean unknown) {
        normalizer.forget(Keys.of(obj));
      }
    });
    waitForSync(ctx.informers(), HorizontalPodAutoscaler.class);
    waitForSync(ctx.informers(), Pod.class);
  }

  static Sources clientSources(KubernetesClient client) {
    return new Sources() {
      @Override
      public Scale getScale(String namespace, CrossVersionObjectReference ref) {
        return client.resources(kindClass(ref)).inNamespace(namespace).withName(ref.getName()).scale();
      }

      @Override
      public Scale updateScale(String namespace, CrossVersionObjectReference ref, Scale scale) {
        return client.resources(kindClass(ref)).inNamespace(namespace).withName(ref.getName()).scale(scale);
      }

      @Override
      public List<PodMetrics> podMetrics(String namespace) {
        return client.top().pods().metrics(namespace).getItems();
      }
    };
  }

  private static Class<? extends HasMetadata> kindClass(CrossVersionObjectReference ref) {
    String group = ref.getApiVersion() == null || !ref.getApiVersion().contains("/") ? ""
        : ref.getApiVersion().substring(0, ref.getApiVersion().indexOf('/'));
    return switch (group + "/" + ref.getKind()) {
      case "apps/Deployment", "extensions/Deployment" -> io.fabric8.kubernetes.api.model.apps.Deployment.class;
      case "apps/ReplicaSet", "extensions/ReplicaSet" -> io.fabric8.kubernetes.api.model.apps.ReplicaSet.class;
      case "apps/StatefulSet" -> io.fabric8.kubernetes.api.model.apps.StatefulSet.class;
      case "/ReplicationController" -> io.fabric8.kubernetes.api.model.ReplicationController.class;
      default -> throw new IllegalArgumentException("no matches for kind \"" + ref.getKind() + "\" in group \""
          + group + "\"");
    };
  }

  @Override
  protected void reconcile(String key) {
    HorizontalPodAutoscaler hpa = autoscalers.getByKey(key);
    if (hpa == null) {
      normalizer.forget(key);
      return;
    }
    try {
      reconcile(key, io.fabric8.kubernetes.client.utils.Serialization.clone(hpa));
    } finally {
      queue.addAfter(key, SYNC_PERIOD);
    }
  }

  private void reconcile(String key, HorizontalPodAutoscaler hpa) {
    HorizontalPodAutoscalerStatus before = io.fabric8.kubernetes.client.utils.Serialization.clone(
        hpa.getStatus() == null ? new HorizontalPodAutoscalerStatus() : hpa.getStatus());
    if (hpa.getStatus() == null) {
      hpa.setStatus(new HorizontalPodAutoscalerStatus());
    }
    String ns = hpa.getMetadata().getNamespace();
    var ref = hpa.getSpec().getScaleTargetRef();
    String reference = ref.getKind() + "/" + ref.getName();
    Scale scale;
    try {
      scale = sources.getScale(ns, ref);
    } catch (RuntimeException e) {
      String msg = ApiErrors.message(e);
      events.warning(hpa, "FailedGetScale", msg);
      setCondition(hpa, "AbleToScale", "False", "FailedGetScale",
          "the HPA controller was unable to get the target's current scale: " + msg);
      updateStatusIfNeeded(hpa, before);
      return;
    }
    setCondition(hpa, "AbleToScale", "True", "SucceededGetScale",
        "the HPA controller was able to get the target's current scale");
    int current = scale.getSpec() == null || scale.getSpec().getReplicas() == null ? 0
        : scale.getSpec().getReplicas();
    int min = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
    int max = hpa.getSpec().getMaxReplicas();
    int desired;
    String rescaleReason = "";
    List<MetricStatus> statuses = hpa.getStatus().getCurrentMetrics();
    Instant now = clock.instant();
    if (current == 0 && min != 0) {
      desired = 0;
      setCondition(hpa, "ScalingActive", "False", "ScalingDisabled",
          "scaling is disabled since the replica count of the target is zero");
    } else if (current > max) {
      rescaleReason = "Current number of replicas above Spec.MaxReplicas";
      desired = max;
    } else if (current < min) {
      rescaleReason = "Current number of replicas below Spec.MinReplicas";
      desired = min;
    } else {
      Computed computed = computeReplicasForMetrics(hpa, scale, current);
      statuses = computed.statuses;
      if (computed.error != null) {
        hpa.getStatus().setCurrentReplicas(current);
        hpa.getStatus().setCurrentMetrics(statuses);
        updateStatusIfNeeded(hpa, before);
        events.warning(hpa, "FailedComputeMetricsReplicas", computed.error);
        return;
      }
      String rescaleMetric = computed.metricName;
      desired = computed.replicas;
      rescaleReason = desired > current ? rescaleMetric + " above target" : "All metrics below target";
      ScaleNormalizer.Outcome outcome = normalizer.normalize(key, hpa.getSpec().getBehavior(), current, desired,
          min, max, now);
      setCondition(hpa, "AbleToScale", "True", outcome.stabilizeReason(), outcome.stabilizeMessage());
      setCondition(hpa, "ScalingLimited", outcome.limited() ? "True" : "False", outcome.limitReason(),
          outcome.limitMessage());
      desired = outcome.replicas();
    }
    boolean rescale = desired != current;
    if (rescale) {
      scale.getSpec().setReplicas(desired);
      try {
        sources.updateScale(ns, ref, scale);
      } catch (RuntimeException e) {
        String msg = ApiErrors.message(e);
        events.warning(hpa, "FailedRescale", "New size: %d; reason: %s; error: %s", desired, rescaleReason, msg);
        setCondition(hpa, "AbleToScale", "False", "FailedUpdateScale",
            "the HPA controller was unable to update the target scale: " + msg);
        hpa.getStatus().setCurrentReplicas(current);
        hpa.getStatus().setCurrentMetrics(statuses);
        updateStatusIfNeeded(hpa, before);
        return;
      }
      setCondition(hpa, "AbleToScale", "True", "SucceededRescale",
          "the HPA controller was able to update the target scale to " + desired);
      events.normal(hpa, "SuccessfulRescale", "New size: %d; reason: %s", desired, rescaleReason);
      normalizer.recordScale(key, hpa.getSpec().getBehavior(), current, desired, now);
    }
    HorizontalPodAutoscalerStatus status = hpa.getStatus();
    status.setCurrentReplicas(current);
    status.setDesiredReplicas(desired);
    status.setCurrentMetrics(statuses);
    if (rescale) {
      status.setLastScaleTime(now.truncatedTo(ChronoUnit.SECONDS).toString());
    }
    updateStatusIfNeeded(hpa, before);
  }

  private record Computed(int replicas, String metricName, List<MetricStatus> statuses, String error) {}

  /** Upstream's {@code computeReplicasForMetrics}: the largest count over the valid metrics. */
  private Computed computeReplicasForMetrics(HorizontalPodAutoscaler hpa, Scale scale, int current) {
    String selectorText = scale.getStatus() == null ? null : scale.getStatus().getSelector();
    if (selectorText == null || selectorText.isEmpty()) {
      String msg = "selector is required";
      events.warning(hpa, "SelectorRequired", msg);
      setCondition(hpa, "ScalingActive", "False", "InvalidSelector",
          "the HPA target's scale is missing a selector");
      return new Computed(0, "", hpa.getStatus().getCurrentMetrics(), msg);
    }
    SelectorText selector;
    try {
      selector = SelectorText.parse(selectorText);
    } catch (IllegalArgumentException e) {
      String msg = "couldn't convert selector into a corresponding internal selector object: " + e.getMessage();
      events.warning(hpa, "InvalidSelector", msg);
      setCondition(hpa, "ScalingActive", "False", "InvalidSelector", msg);
      return new Computed(0, "", hpa.getStatus().getCurrentMetrics(), msg);
    }
    List<MetricSpec> specs = hpa.getSpec().getMetrics();
    List<MetricStatus> statuses = new ArrayList<>();
    int replicas = 0;
    String metricName = "";
    int invalid = 0;
    String firstError = null;
    String[] invalidCondition = null;
    List<Pod> selected = null;
    Map<String, ReplicaCalculator.PodMetric> metricsCache = null;
    for (int i = 0; i < specs.size(); i++) {
      MetricSpec spec = specs.get(i);
      MetricStatus status = new MetricStatus();
      try {
        String type = Objects.toString(spec.getType(), "");
        switch (type) {
          case "Resource", "ContainerResource" -> {
            boolean container = type.equals("ContainerResource");
            String resource = container ? spec.getContainerResource().getName() : spec.getResource().getName();
            String containerName = container ? spec.getContainerResource().getContainer() : null;
            MetricTarget target = container ? spec.getContainerResource().getTarget()
                : spec.getResource().getTarget();
            if (selected == null) {
              selected = new ArrayList<>();
              for (Pod p : pods.byIndex("namespace", hpa.getMetadata().getNamespace())) {
                if (selector.matches(p.getMetadata().getLabels())) {
                  selected.add(p);
                }
              }
            }
            Map<String, ReplicaCalculator.PodMetric> usage;
            try {
              usage = podUsage(hpa.getMetadata().getNamespace(), selected, resource, containerName);
            } catch (RuntimeException e) {
              throw new ReplicaCalculator.MetricsException("unable to get metrics for resource " + resource + ": "
                  + ApiErrors.message(e));
            }
            String prefix = container ? "failed to get " + resource + " container utilization: "
                : "failed to get " + resource + " utilization: ";
            ReplicaCalculator.Result r;
            MetricValueStatus value = new MetricValueStatus();
            String name;
            if (target.getAverageValue() != null) {
              long targetMilli = milli(target.getAverageValue());
              try {
                r = ReplicaCalculator.averageValue(current, targetMilli, resource, selected, usage, clock.instant());
              } catch (ReplicaCalculator.MetricsException e) {
                throw new ReplicaCalculator.MetricsException(prefix + e.getMessage());
              }
              value.setAverageValue(new Quantity(formatMilli(r.rawAverage())));
              name = container ? resource + " container resource" : resource + " resource";
            } else {
              if (target.getAverageUtilization() == null) {
                throw new ReplicaCalculator.MetricsException("invalid resource metric source: neither a "
                    + "utilization target nor a value target was set");
              }
              Map<String, Long> requests = requests(selected, resource, containerName);
              try {
                r = ReplicaCalculator.utilization(current, target.getAverageUtilization(), resource, selected,
                    usage, requests, clock.instant());
              } catch (ReplicaCalculator.MetricsException e) {
                throw new ReplicaCalculator.MetricsException(prefix + e.getMessage());
              }
              value.setAverageUtilization(r.utilization());
              value.setAverageValue(new Quantity(formatMilli(r.rawAverage())));
              name = container ? resource + " container resource utilization (percentage of request)"
                  : resource + " resource utilization (percentage of request)";
            }
            status.setType(type);
            if (container) {
              status.setContainerResource(new io.fabric8.kubernetes.api.model.autoscaling.v2
                  .ContainerResourceMetricStatus(containerName, value, resource));
            } else {
              status.setResource(new io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricStatus(value,
                  resource));
            }
            if (r.replicas() > replicas || metricName.isEmpty()) {
              if (r.replicas() > replicas) {
                replicas = r.replicas();
              }
              metricName = name;
            }
          }
          case "Pods" -> throw new CustomMetricException("FailedGetPodsMetric", "unable to get metric "
              + spec.getPods().getMetric().getName() + ": no custom metrics API (custom.metrics.k8s.io) registered");
          case "Object" -> throw new CustomMetricException("FailedGetObjectMetric", "unable to get metric "
              + spec.getObject().getMetric().getName() + ": " + spec.getObject().getDescribedObject().getKind()
              + " on " + hpa.getMetadata().getNamespace() + " "
              + spec.getObject().getDescribedObject().getName()
              + "/unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) "
              + "registered");
          case "External" -> throw new CustomMetricException("FailedGetExternalMetric", "unable to get external "
              + "metric " + hpa.getMetadata().getNamespace() + "/" + spec.getExternal().getMetric().getName()
              + ": no external metrics API (external.metrics.k8s.io) registered");
          default -> throw new CustomMetricException("InvalidMetricSourceType",
              "unknown metric source type \"" + type + "\"");
        }
        statuses.add(status);
      } catch (CustomMetricException e) {
        events.warning(hpa, e.reason, e.getMessage());
        invalid++;
        if (firstError == null) {
          firstError = e.getMessage();
          invalidCondition = new String[] {e.reason, "the HPA was unable to compute the replica count: "
              + e.getMessage()};
        }
        statuses.add(emptyStatus(spec));
      } catch (ReplicaCalculator.MetricsException e) {
        String reason = "ContainerResource".equals(spec.getType()) ? "FailedGetContainerResourceMetric"
            : "FailedGetResourceMetric";
        events.warning(hpa, reason, e.getMessage());
        invalid++;
        if (firstError == null) {
          firstError = e.getMessage();
          invalidCondition = new String[] {reason, "the HPA was unable to compute the replica count: "
              + e.getMessage()};
        }
        statuses.add(emptyStatus(spec));
      }
    }
    if (invalid >= specs.size() || (invalid > 0 && replicas < current)) {
      setCondition(hpa, "ScalingActive", "False", invalidCondition[0], invalidCondition[1]);
      return new Computed(0, "", statuses, "invalid metrics (" + invalid + " invalid out of " + specs.size()
          + "), first error is: " + firstError);
    }
    setCondition(hpa, "ScalingActive", "True", "ValidMetricFound",
        "the HPA was able to successfully calculate a replica count from " + metricName);
    return new Computed(replicas, metricName, statuses, null);
  }

  private static final class CustomMetricException extends Exception {
    final String reason;

    CustomMetricException(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  /** What upstream leaves in status for a metric it could not read: its type alone. */
  private static MetricStatus emptyStatus(MetricSpec spec) {
    MetricStatus s = new MetricStatus();
    s.setType(spec.getType());
    return s;
  }

  /** Each selected pod's usage of {@code resource} (the sum of its containers, or the one named). */
  private Map<String, ReplicaCalculator.PodMetric> podUsage(String ns, List<Pod> selected, String resource,
      String container) {
    Map<String, ReplicaCalculator.PodMetric> out = new HashMap<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    selected.forEach(p -> names.add(p.getMetadata().getName()));
    for (PodMetrics m : sources.podMetrics(ns)) {
      String name = m.getMetadata().getName();
      if (!names.contains(name) || m.getContainers() == null || m.getContainers().isEmpty()) {
        continue;
      }
      long total = 0;
      boolean found = false;
      boolean complete = true;
      for (ContainerMetrics c : m.getContainers()) {
        if (container != null && !container.equals(c.getName())) {
          continue;
        }
        Quantity q = c.getUsage() == null ? null : c.getUsage().get(resource);
        if (q == null) {
          complete = false;
          continue;
        }
        found = true;
        total += milli(q);
      }
      if (found && (complete || container != null)) {
        Instant at = m.getTimestamp() == null ? clock.instant() : Instant.parse(m.getTimestamp());
        out.put(name, new ReplicaCalculator.PodMetric(total, at, (m.getWindow() == null || m.getWindow().getDuration() == null ? Duration.ZERO : m.getWindow().getDuration())));
      }
    }
    return out;
  }

  /** Each pod's request of {@code resource}; upstream fails when a container has none. */
  private static Map<String, Long> requests(List<Pod> selected, String resource, String container)
      throws ReplicaCalculator.MetricsException {
    Map<String, Long> out = new HashMap<>();
    for (Pod p : selected) {
      long total = 0;
      for (Container c : p.getSpec().getContainers()) {
        if (container != null && !container.equals(c.getName())) {
          continue;
        }
        Quantity q = c.getResources() == null || c.getResources().getRequests() == null ? null
            : c.getResources().getRequests().get(resource);
        if (q == null) {
          throw new ReplicaCalculator.MetricsException("missing request for " + resource + " in container "
              + c.getName() + " of Pod " + p.getMetadata().getName());
        }
        total += milli(q);
      }
      out.put(p.getMetadata().getName(), total);
    }
    return out;
  }

  static long milli(Quantity q) {
    return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000))
        .setScale(0, java.math.RoundingMode.CEILING).longValueExact();
  }

  /** A milli-value as upstream's {@code resource.NewMilliQuantity(v, DecimalSI)} prints it. */
  static String formatMilli(long milli) {
    if (milli % 1000 != 0) {
      return milli + "m";
    }
    long v = milli / 1000;
    String[] suffixes = {"", "k", "M", "G", "T", "P", "E"};
    int i = 0;
    while (v != 0 && v % 1000 == 0 && i < suffixes.length - 1) {
      v /= 1000;
      i++;
    }
    return v + suffixes[i];
  }

  /** Upstream's {@code setCondition}: the transition time moves only when the status does. */
  static void setCondition(HorizontalPodAutoscaler hpa, String type, String status, String reason, String message) {
    List<HorizontalPodAutoscalerCondition> conditions = hpa.getStatus().getConditions() == null ? new ArrayList<>()
        : new ArrayList<>(hpa.getStatus().getConditions());
    HorizontalPodAutoscalerCondition existing = conditions.stream().filter(c -> type.equals(c.getType()))
        .findFirst().orElse(null);
    if (existing == null) {
      existing = new HorizontalPodAutoscalerCondition();
      existing.setType(type);
      conditions.add(existing);
    }
    if (!status.equals(existing.getStatus())) {
      existing.setLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }
    existing.setStatus(status);
    existing.setReason(reason);
    existing.setMessage(message);
    hpa.getStatus().setConditions(conditions);
  }

  private void updateStatusIfNeeded(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus before) {
    if (Objects.equals(before, hpa.getStatus())) {
      return;
    }
    try {
      writer.updateStatus(hpa);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e) && !ApiErrors.isConflict(e)) {
        throw e;
      }
    }
  }
}
