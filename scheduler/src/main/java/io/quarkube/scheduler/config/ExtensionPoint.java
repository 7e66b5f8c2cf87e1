package io.quarkube.scheduler.config;

import io.quarkube.scheduler.framework.BindPlugin;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.PermitPlugin;
import io.quarkube.scheduler.framework.Plugin;
import io.quarkube.scheduler.framework.PostBindPlugin;
import io.quarkube.scheduler.framework.PostFilterPlugin;
import io.quarkube.scheduler.framework.PreBindPlugin;
import io.quarkube.scheduler.framework.PreEnqueuePlugin;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.PreScorePlugin;
import io.quarkube.scheduler.framework.QueueSortPlugin;
import io.quarkube.scheduler.framework.ReservePlugin;
import io.quarkube.scheduler.framework.ScorePlugin;

/** The extension points, named as in KubeSchedulerConfiguration's {@code plugins} section, in cycle order. */
public enum ExtensionPoint {
  PRE_ENQUEUE("preEnqueue", PreEnqueuePlugin.class),
  QUEUE_SORT("queueSort", QueueSortPlugin.class),
  PRE_FILTER("preFilter", PreFilterPlugin.class),
  FILTER("filter", FilterPlugin.class),
  POST_FILTER("postFilter", PostFilterPlugin.class),
  PRE_SCORE("preScore", PreScorePlugin.class),
  SCORE("score", ScorePlugin.class),
  RESERVE("reserve", ReservePlugin.class),
  PERMIT("permit", PermitPlugin.class),
  PRE_BIND("preBind", PreBindPlugin.class),
  BIND("bind", BindPlugin.class),
  POST_BIND("postBind", PostBindPlugin.class);

  private final String configName;
  private final Class<? extends Plugin> type;

  ExtensionPoint(String configName, Class<? extends Plugin> type) {
    this.configName = configName;
    this.type = type;
  }

  public String configName() {
    return configName;
  }

  public boolean implementedBy(Plugin p) {
    return type.isInstance(p);
  }

  public static ExtensionPoint byConfigName(String name) {
    for (ExtensionPoint e : values()) {
      if (e.configName.equals(name)) {
        return e;
      }
    }
    return null;
  }
}
