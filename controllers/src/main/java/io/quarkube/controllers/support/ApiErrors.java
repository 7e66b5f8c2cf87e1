package io.quarkube.controllers.support;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Reading the HTTP status out of the client's exceptions, like apimachinery's {@code errors.IsNotFound}. */
public final class ApiErrors {
  private ApiErrors() {}

  public static int code(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() > 0) {
        return k.getCode();
      }
    }
    return 0;
  }

  /**
   * What went wrong in the API server's own words (the Status message, what client-go's error prints), not the
   * Java client's "Failure executing: POST at: ..." wrapper around it; for events and conditions.
   */
  public static String message(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null
          && !k.getStatus().getMessage().isBlank()) {
        return k.getStatus().getMessage();
      }
    }
    return t.getMessage();
  }

  public static boolean isNotFound(Throwable t) {
    return code(t) == 404;
  }

  public static boolean isAlreadyExists(Throwable t) {
    if (code(t) != 409) {
      return false;
    }
    if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getReason() != null) {
      return "AlreadyExists".equals(k.getStatus().getReason());
    }
    return String.valueOf(t.getMessage()).contains("already exists");
  }

  public static boolean isConflict(Throwable t) {
    return code(t) == 409;
  }

  /** 403 on create in a terminating namespace (the NamespaceLifecycle admission plugin). */
  public static boolean isForbidden(Throwable t) {
    return code(t) == 403;
  }

  /**
   * 403 because the namespace is being deleted: creating there is pointless, and upstream's controllers drop such
   * errors instead of retrying (the namespace's deletion will remove the owner too).
   */
  public static boolean isNamespaceTerminating(Throwable t) {
    if (code(t) != 403) {
      return false;
    }
    if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getDetails() != null
        && k.getStatus().getDetails().getCauses() != null && k.getStatus().getDetails().getCauses().stream()
            .anyMatch(c -> "NamespaceTerminating".equals(c.getReason()))) {
      return true;
    }
    return String.valueOf(t.getMessage()).contains("because it is being terminated");
  }

  /**
   * Runs {@code work}, dropping the failure of a namespace that is going away: the namespace goes and the object with
   * it, so retrying creates there is pointless (upstream drops them too).
   */
  public static void unlessNamespaceTerminating(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      if (!isNamespaceTerminating(e)) {
        throw e;
      }
    }
  }
}
