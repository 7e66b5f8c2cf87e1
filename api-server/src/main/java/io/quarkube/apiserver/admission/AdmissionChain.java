package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * The admission stage of the request chain: every plugin in order, the first refusal wins. Most plugins change the
 * object in place; a mutating webhook returns a new one, which the later plugins see and the caller stores. Then, as
 * upstream's validating phase, every plugin's {@link AdmissionPlugin#validate} sees the object all of them left.
 */
public final class AdmissionChain {
  private final List<AdmissionPlugin> plugins;

  public AdmissionChain(List<AdmissionPlugin> plugins) {
    this.plugins = List.copyOf(plugins);
  }

  /** Runs the plugins and returns the object to store (the request's own, or the one a plugin replaced it with). */
  public HasMetadata admit(AdmissionRequest request) {
    AdmissionRequest current = request;
    for (AdmissionPlugin p : plugins) {
      HasMetadata next = p.mutate(current);
      if (next != current.object()) {
        current = current.withObject(next);
      }
    }
    for (AdmissionPlugin p : plugins) {
      p.validate(current);
    }
    return current.object();
  }

  public List<String> names() {
    return plugins.stream().map(AdmissionPlugin::name).toList();
  }
}
