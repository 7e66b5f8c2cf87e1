package io.quarkube.scheduler.framework;

import java.util.List;
import java.util.Objects;

/**
 * What a plugin says: a code, human-readable reasons (they end up in the FailedScheduling message), the plugin that
 * said it, and an error for the ERROR code. Immutable; {@link #SUCCESS} is shared so the hot path allocates nothing.
 */
public final class Status {
  public static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), null, null);
  public static final Status SKIP = new Status(Code.SKIP, List.of(), null, null);

  private final Code code;
  private final List<String> reasons;
  private final String plugin;
  private final Throwable error;

  private Status(Code code, List<String> reasons, String plugin, Throwable error) {
    this.code = Objects.requireNonNull(code);
    this.reasons = reasons;
    this.plugin = plugin;
    this.error = error;
  }

  public static Status of(Code code, String... reasons) {
    if (code == Code.SUCCESS && reasons.length == 0) {
      return SUCCESS;
    }
    return new Status(code, List.of(reasons), null, null);
  }

  public static Status unschedulable(String... reasons) {
    return of(Code.UNSCHEDULABLE, reasons);
  }

  public static Status unresolvable(String... reasons) {
    return of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reasons);
  }

  public static Status error(Throwable e) {
    return new Status(Code.ERROR, List.of(String.valueOf(e.getMessage())), null, e);
  }

  public static Status error(String message) {
    return new Status(Code.ERROR, List.of(message), null, new IllegalStateException(message));
  }

  /** The same status, attributed to {@code pluginName} (kept when already attributed). */
  public Status withPlugin(String pluginName) {
    if (plugin != null || this == SUCCESS || this == SKIP) {
      return this;
    }
    return new Status(code, reasons, pluginName, error);
  }

  public Code code() {
    return code;
  }

  public List<String> reasons() {
    return reasons;
  }

  public String plugin() {
    return plugin;
  }

  public Throwable error() {
    return error;
  }

  /** The reasons joined by ", " (upstream's Status.Message). */
  public String message() {
    return String.join(", ", reasons);
  }

  public boolean isSuccess() {
    return code == Code.SUCCESS;
  }

  public boolean isSkip() {
    return code == Code.SKIP;
  }

  public boolean isWait() {
    return code == Code.WAIT;
  }

  /** Unschedulable, UnschedulableAndUnresolvable or Pending: the pod was turned down, not an error. */
  public boolean isRejected() {
    return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE || code == Code.PENDING;
  }

  @Override
  public String toString() {
    return code + (reasons.isEmpty() ? "" : " " + reasons) + (plugin == null ? "" : " (" + plugin + ")");
  }
}
