package io.quarkube.scheduler.framework.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.scheduler.framework.Handle;
import io.quarkube.scheduler.framework.Plugin;

/** Builds a plugin from its {@code pluginConfig} args (a missing node when none) and the framework handle. */
@FunctionalInterface
public interface PluginFactory {
  Plugin create(JsonNode args, Handle handle);
}
