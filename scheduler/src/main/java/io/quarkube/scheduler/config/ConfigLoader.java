package io.quarkube.scheduler.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a KubeSchedulerConfiguration file (YAML or JSON, {@code kubescheduler.config.k8s.io/v1}) and applies
 * upstream's defaults: one profile {@code default-scheduler} with the default plugins enabled through
 * {@code multiPoint}, user plugin sets merged over the defaults as upstream merges them.
 */
public final class ConfigLoader {
  public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

  /** Upstream's default multiPoint plugins (the ones Quarkube has), in upstream's order, with score weights. */
  public static final List<PluginRef> DEFAULT_MULTI_POINT = List.of(
      PluginRef.of("SchedulingGates"),
      PluginRef.of("PrioritySort"),
      PluginRef.of("NodeUnschedulable"),
      PluginRef.of("NodeName"),
      new PluginRef("TaintToleration", 3),
      new PluginRef("NodeAffinity", 2),
      PluginRef.of("NodePorts"),
      new PluginRef("NodeResourcesFit", 1),
      PluginRef.of("VolumeRestrictions"),
      PluginRef.of("NodeVolumeLimits"),
      PluginRef.of("VolumeBinding"),
      PluginRef.of("VolumeZone"),
      new PluginRef("PodTopologySpread", 2),
      new PluginRef("InterPodAffinity", 2),
      PluginRef.of("DefaultPreemption"),
      new PluginRef("NodeResourcesBalancedAllocation", 1),
      new PluginRef("ImageLocality", 1),
      PluginRef.of("DefaultBinder"));

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  /** The configuration when no file is given. */
  public static SchedulerConfiguration defaults() {
    try {
      return parse(YAML.readTree("{}"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static SchedulerConfiguration load(Path file) throws IOException {
    return parse(YAML.readTree(Files.readString(file)));
  }

  public static SchedulerConfiguration parse(String text) throws IOException {
    return parse(YAML.readTree(text));
  }

  static SchedulerConfiguration parse(JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    String apiVersion = root.path("apiVersion").asText("");
    if (!apiVersion.isEmpty() && !apiVersion.startsWith("kubescheduler.config.k8s.io/")) {
      throw new IllegalArgumentException("unsupported apiVersion " + apiVersion
          + " (want kubescheduler.config.k8s.io/v1)");
    }
    String kind = root.path("kind").asText("");
    if (!kind.isEmpty() && !kind.equals("KubeSchedulerConfiguration")) {
      throw new IllegalArgumentException("unsupported kind " + kind + " (want KubeSchedulerConfiguration)");
    }
    int parallelism = root.path("parallelism").asInt(16);
    if (parallelism <= 0) {
      throw new IllegalArgumentException("parallelism: must be greater than 0");
    }
    int percentage = root.path("percentageOfNodesToScore").asInt(0);
    checkPercentage("percentageOfNodesToScore", percentage);
    Duration initial = Duration.ofSeconds(root.path("podInitialBackoffSeconds").asLong(1));
    Duration max = Duration.ofSeconds(root.path("podMaxBackoffSeconds").asLong(10));
    if (initial.isZero() || initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("podInitialBackoffSeconds must be > 0 and <= podMaxBackoffSeconds");
    }
    JsonNode le = root.path("leaderElection");
    SchedulerConfiguration.LeaderElection d = SchedulerConfiguration.LeaderElection.DEFAULT;
    SchedulerConfiguration.LeaderElection leader = new SchedulerConfiguration.LeaderElection(
        le.path("leaderElect").asBoolean(d.leaderElect()),
        duration(le.path("leaseDuration"), d.leaseDuration()),
        duration(le.path("renewDeadline"), d.renewDeadline()),
        duration(le.path("retryPeriod"), d.retryPeriod()),
        le.path("resourceNamespace").asText(d.resourceNamespace()),
        le.path("resourceName").asText(d.resourceName()));
    if (leader.leaderElect() && (leader.retryPeriod().isZero() || leader.retryPeriod().isNegative()
        || leader.renewDeadline().compareTo(leader.retryPeriod()) <= 0
        || leader.leaseDuration().compareTo(leader.renewDeadline()) <= 0)) {
      // As upstream's validation: an elector could not renew in time otherwise.
      throw new IllegalArgumentException("leaderElection: need 0 < retryPeriod < renewDeadline < leaseDuration");
    }

    List<Profile> profiles = new ArrayList<>();
    JsonNode ps = root.path("profiles");
    if (!ps.isArray() || ps.isEmpty()) {
      profiles.add(profile(YAML.createObjectNode()));
    } else {
      Set<String> names = new HashSet<>();
      for (JsonNode p : ps) {
        Profile prof = profile(p);
        if (!names.add(prof.schedulerName())) {
          throw new IllegalArgumentException("profiles: duplicate schedulerName " + prof.schedulerName());
        }
        profiles.add(prof);
      }
    }
    return new SchedulerConfiguration(parallelism, percentage, initial, max, leader, List.copyOf(profiles));
  }

  private static Profile profile(JsonNode p) {
    String name = p.path("schedulerName").asText(DEFAULT_SCHEDULER_NAME);
    if (name.isEmpty()) {
      name = DEFAULT_SCHEDULER_NAME;
    }
    Integer percentage = p.hasNonNull("percentageOfNodesToScore") ? p.get("percentageOfNodesToScore").asInt()
        : null;
    if (percentage != null) {
      checkPercentage("profiles[" + name + "].percentageOfNodesToScore", percentage);
    }
    Map<String, PluginSet> plugins = new LinkedHashMap<>();
    JsonNode custom = p.path("plugins");
    PluginSet multi = PluginSet.merge(new PluginSet(DEFAULT_MULTI_POINT, List.of()), set(custom.path("multiPoint")));
    plugins.put("multiPoint", multi);
    for (ExtensionPoint e : ExtensionPoint.values()) {
      PluginSet s = set(custom.path(e.configName()));
      if (!s.enabled().isEmpty() || !s.disabled().isEmpty()) {
        plugins.put(e.configName(), s);
      }
    }
    Iterator<String> keys = custom.fieldNames();
    while (keys.hasNext()) {
      String k = keys.next();
      if (!k.equals("multiPoint") && ExtensionPoint.byConfigName(k) == null) {
        throw new IllegalArgumentException("profiles[" + name + "].plugins: unknown extension point " + k);
      }
    }
    Map<String, JsonNode> args = new HashMap<>();
    for (JsonNode pc : p.path("pluginConfig")) {
      String pn = pc.path("name").asText("");
      if (pn.isEmpty()) {
        throw new IllegalArgumentException("profiles[" + name + "].pluginConfig: name is required");
      }
      args.put(pn, pc.path("args"));
    }
    return new Profile(name, percentage, plugins, args);
  }

  private static PluginSet set(JsonNode n) {
    return new PluginSet(refs(n.path("enabled")), refs(n.path("disabled")));
  }

  private static List<PluginRef> refs(JsonNode arr) {
    List<PluginRef> out = new ArrayList<>();
    for (JsonNode e : arr) {
      String n = e.path("name").asText("");
      if (n.isEmpty()) {
        throw new IllegalArgumentException("plugin without a name in " + arr);
      }
      out.add(new PluginRef(n, e.path("weight").asInt(0)));
    }
    return out;
  }

  private static void checkPercentage(String field, int v) {
    if (v < 0 || v > 100) {
      throw new IllegalArgumentException(field + ": not in valid range [0-100]");
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  /** A Go duration such as {@code 15s}, {@code 1m30s}, {@code 500ms}. */
  static Duration duration(JsonNode n, Duration dflt) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return dflt;
    }
    String s = n.asText().trim();
    Matcher m = DURATION.matcher(s);
    long millis = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      end = m.end();
      double v = Double.parseDouble(m.group(1));
      millis += (long) (v * switch (m.group(2)) {
        case "ms" -> 1;
        case "s" -> 1000;
        case "m" -> 60_000;
        default -> 3_600_000;
      });
    }
    if (end != s.length() || s.isEmpty()) {
      throw new IllegalArgumentException("not a duration: " + s);
    }
    return Duration.ofMillis(millis);
  }
}
