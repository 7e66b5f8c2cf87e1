package io.quarkube.scheduler.framework;

/** An internal plugin failure (not a "does not fit"): becomes an ERROR status. */
public class PluginException extends RuntimeException {
  public PluginException(String message) {
    super(message);
  }

  public PluginException(String message, Throwable cause) {
    super(message, cause);
  }
}
