package io.quarkube.scheduler.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One scheduling profile: the scheduler name pods pick it by, its plugins per extension point (plus
 * {@code multiPoint}: plugins enabled at every point they implement), and plugin arguments.
 */
public record Profile(String schedulerName, Integer percentageOfNodesToScore, Map<String, PluginSet> plugins,
    Map<String, JsonNode> pluginConfig) {

  public PluginSet plugins(String extensionPoint) {
    return plugins.getOrDefault(extensionPoint, PluginSet.EMPTY);
  }
}
