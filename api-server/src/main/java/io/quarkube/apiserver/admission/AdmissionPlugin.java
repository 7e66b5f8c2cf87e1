package io.quarkube.apiserver.admission;

/**
 * One admission controller. It may change the object (mutating) and refuses a request by throwing an
 * {@code ApiException}; plugins run in the order of {@link AdmissionChain}.
 */
public interface AdmissionPlugin {
  String name();

  void admit(AdmissionRequest request);
}
