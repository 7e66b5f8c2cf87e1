package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One admission controller. It may change the object (mutating) and refuses a request by throwing an
 * {@code ApiException}; plugins run in the order of {@link AdmissionChain}. A plugin that checks what every mutation
 * left (upstream's validating phase of a plugin that is both) does so in {@link #validate}, which runs after every
 * plugin's {@link #mutate}.
 */
public interface AdmissionPlugin {
  String name();

  void admit(AdmissionRequest request);

  /**
   * Admits and returns the object the request goes on with: the same instance for plugins that change it in
   * place, a new one for those that rebuild it (mutating webhooks apply a JSON patch to its serialized form).
   */
  default HasMetadata mutate(AdmissionRequest request) {
    admit(request);
    return request.object();
  }

  /** The validating phase: checks the object as all mutation left it; nothing may change it here. */
  default void validate(AdmissionRequest request) {}
}
