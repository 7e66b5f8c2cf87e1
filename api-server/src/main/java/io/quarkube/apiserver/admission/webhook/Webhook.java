package io.quarkube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.quarkube.apiserver.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One webhook of a Mutating- or ValidatingWebhookConfiguration, read from its JSON form (both kinds share these
 * fields), with the defaults upstream's API applies filled in for objects stored before they existed.
 */
record Webhook(String configuration, String name, String url, ServiceRef service, String caBundle,
    List<RuleWithOperations> rules, boolean failOpen, int timeoutSeconds, LabelSelector namespaceSelector,
    LabelSelector objectSelector, String sideEffects, List<String> reviewVersions, boolean reinvokeIfNeeded,
    List<MatchConditions.Compiled> matchConditions) {

  /** {@code clientConfig.service}: namespace/name, port (default 443) and an optional path. */
  record ServiceRef(String namespace, String name, int port, String path) {}

  static Webhook of(String configuration, JsonNode w) {
    JsonNode cc = w.path("clientConfig");
    ServiceRef service = null;
    if (cc.path("service").isObject()) {
      JsonNode s = cc.get("service");
      service = new ServiceRef(s.path("namespace").asText(""), s.path("name").asText(""), s.path("port").asInt(443),
          s.path("path").asText(""));
    }
    List<RuleWithOperations> rules = new ArrayList<>();
    for (JsonNode r : w.path("rules")) {
      rules.add(Json.convert(r, RuleWithOperations.class));
    }
    List<String> versions = new ArrayList<>();
    for (JsonNode v : w.path("admissionReviewVersions")) {
      versions.add(v.asText());
    }
    int timeout = w.hasNonNull("timeoutSeconds") ? w.get("timeoutSeconds").asInt() : 10;
    return new Webhook(configuration, w.path("name").asText(""), cc.hasNonNull("url") ? cc.get("url").asText() : null,
        service, cc.path("caBundle").asText(""), rules, "Ignore".equals(w.path("failurePolicy").asText()), timeout,
        selector(w.path("namespaceSelector")), selector(w.path("objectSelector")), w.path("sideEffects").asText(""),
        versions, "IfNeeded".equals(w.path("reinvocationPolicy").asText()),
        MatchConditions.compile(w.path("matchConditions")));
  }

  private static LabelSelector selector(JsonNode n) {
    return n.isObject() ? Json.convert(n, LabelSelector.class) : new LabelSelector();
  }

  /** The AdmissionReview version to send: the first one of the webhook's list that this server speaks. */
  String reviewApiVersion() {
    for (String v : reviewVersions) {
      if (v.equals("v1") || v.equals("v1beta1")) {
        return "admission.k8s.io/" + v;
      }
    }
    return "admission.k8s.io/v1";
  }
}
