package io.quarkube.apiserver.admission.policy;

/**
 * The outcome of one validation (or of a configuration or evaluation error) for one binding and param: upstream's
 * PolicyDecision. {@code reason} is the Status reason of a denial (Invalid unless the validation names another).
 */
record Decision(boolean deny, boolean error, int index, String message, String reason) {
  /** The index of an audit annotation's error: denied whatever the binding's actions (upstream does so). */
  static final int AUDIT_ANNOTATION = -1;

  static Decision admit(int index) {
    return new Decision(false, false, index, "", "");
  }

  static Decision denied(int index, String message, String reason) {
    return new Decision(true, false, index, message, reason);
  }

  /** An error: denied under failurePolicy Fail, admitted under Ignore. */
  static Decision failed(boolean failOpen, int index, String message) {
    return new Decision(!failOpen, true, index, message, "");
  }
}
