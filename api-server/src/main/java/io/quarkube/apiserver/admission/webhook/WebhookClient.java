package io.quarkube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * Posts an AdmissionReview to a webhook over HTTPS and returns the review it answers. Admission runs on the API
 * server's worker threads, so a blocking call (bounded by the webhook's timeoutSeconds) is fine there. Clients are
 * kept per (caBundle, server name): a TLS context and its connection pool are built once per webhook identity.
 */
final class WebhookClient {
  private static final int MAX_CLIENTS = 64;
  private final ServiceEndpoints services;
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

  WebhookClient(ServiceEndpoints services) {
    this.services = services;
  }

  JsonNode call(Webhook webhook, JsonNode review) {
    URI uri;
    String serverName;
    if (webhook.url() != null && !webhook.url().isEmpty()) {
      uri = URI.create(webhook.url());
      serverName = uri.getHost();
    } else {
      Webhook.ServiceRef s = webhook.service();
      ServiceEndpoints.Target target = services.resolve(s.namespace(), s.name(), s.port());
      String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
      uri = URI.create("https://" + host + ":" + target.port() + (s.path().isEmpty() ? "/" : s.path()));
      serverName = s.name() + "." + s.namespace() + ".svc";
    }
    String timeout = webhook.timeoutSeconds() + "s";
    URI withTimeout = URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + "timeout=" + timeout);
    HttpRequest request = HttpRequest.newBuilder(withTimeout).timeout(Duration.ofSeconds(webhook.timeoutSeconds()))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(review))).build();
    String post = "Post \"" + webhookUrlForMessages(webhook, withTimeout) + "\": ";
    HttpResponse<byte[]> response;
    try {
      response = client(webhook.caBundle(), serverName).send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new WebhookCallException("failed to call webhook: " + post + "context deadline exceeded");
    } catch (ConnectException e) {
      throw new WebhookCallException("failed to call webhook: " + post + "dial tcp " + uri.getHost() + ":"
          + uri.getPort() + ": connect: connection refused");
    } catch (SSLException e) {
      throw new WebhookCallException("failed to call webhook: " + post + "tls: failed to verify certificate: "
          + rootMessage(e));
    } catch (IOException e) {
      throw new WebhookCallException("failed to call webhook: " + post + rootMessage(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebhookCallException("failed to call webhook: " + post + "interrupted");
    }
    if (response.statusCode() < 200 || response.statusCode() >= 300) {
      throw new WebhookCallException("failed to call webhook: the server responded with the status code "
          + response.statusCode() + " but did not return a body we could decode");
    }
    try {
      return Json.parse(response.body());
    } catch (RuntimeException e) {
      throw new WebhookCallException("received invalid webhook response: " + rootMessage(e));
    }
  }

  /** Upstream prints the configured URL (the service's DNS name for service references). */
  private static String webhookUrlForMessages(Webhook webhook, URI dialled) {
    if (webhook.service() == null) {
      return dialled.toString();
    }
    Webhook.ServiceRef s = webhook.service();
    return "https://" + s.name() + "." + s.namespace() + ".svc:" + s.port() + (s.path().isEmpty() ? "/" : s.path())
        + "?timeout=" + webhook.timeoutSeconds() + "s";
  }

  private HttpClient client(String caBundle, String serverName) {
    String key = caBundle + "|" + serverName;
    HttpClient c = clients.get(key);
    if (c != null) {
      return c;
    }
    if (clients.size() >= MAX_CLIENTS) {
      clients.clear(); // configurations came and went; let the old clients' pools be collected
    }
    return clients.computeIfAbsent(key, k -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).sslContext(WebhookTls.context(caBundle, serverName)).build());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
