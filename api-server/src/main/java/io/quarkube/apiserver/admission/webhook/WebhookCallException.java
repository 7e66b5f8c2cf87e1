package io.quarkube.apiserver.admission.webhook;

/**
 * A webhook could not be called or gave no usable answer (upstream's {@code ErrCallingWebhook}): the webhook's
 * failurePolicy decides whether the request fails or goes on.
 */
public final class WebhookCallException extends RuntimeException {
  WebhookCallException(String message) {
    super(message);
  }
}
