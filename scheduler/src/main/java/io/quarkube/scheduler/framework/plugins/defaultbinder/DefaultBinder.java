package io.quarkube.scheduler.framework.plugins.defaultbinder;

import io.quarkube.scheduler.framework.BindPlugin;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.Handle;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.Status;

/** Binds through the API server's {@code pods/binding} subresource. */
public final class DefaultBinder implements BindPlugin {
  public static final String NAME = "DefaultBinder";

  private final Handle handle;

  public DefaultBinder(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status bind(CycleState state, PodInfo pod, String nodeName) {
    return handle.api().bind(pod.pod(), nodeName);
  }
}
