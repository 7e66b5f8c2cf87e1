package io.quarkube.apiserver.admission;

import java.util.List;

/** The admission stage of the request chain: every plugin in order, the first refusal wins. */
public final class AdmissionChain {
  private final List<AdmissionPlugin> plugins;

  public AdmissionChain(List<AdmissionPlugin> plugins) {
    this.plugins = List.copyOf(plugins);
  }

  public void admit(AdmissionRequest request) {
    for (AdmissionPlugin p : plugins) {
      p.admit(request);
    }
  }

  public List<String> names() {
    return plugins.stream().map(AdmissionPlugin::name).toList();
  }
}
