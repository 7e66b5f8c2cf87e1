package io.quarkube.apiserver.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.security.SecurityChain;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * Admission of {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} before their stream opens, as
 * upstream's connecters: operation CONNECT, the object the request's options (PodExecOptions, PodAttachOptions,
 * PodPortForwardOptions, as the query carries them), so webhooks and policies on CONNECT can refuse a stream.
 * The options have no metadata; they travel as a generic object that serializes to upstream's JSON form.
 */
final class ConnectAdmission {
  private static final List<String> FLAGS = List.of("stdin", "stdout", "stderr", "tty");

  private ConnectAdmission() {}

  static void admit(ResourceDefinition pods, RequestInfo info, UserInfo user, String subresource, MultiMap query) {
    GenericKubernetesResource options = Json.convert(options(subresource, query), GenericKubernetesResource.class);
    SecurityChain.current().admission().admit(new AdmissionRequest(AdmissionRequest.Operation.CONNECT, pods,
        info.namespace(), info.name(), subresource, options, user, false));
  }

  /** The options object upstream decodes from the query (false flags and empty lists left out, as its JSON). */
  static ObjectNode options(String subresource, MultiMap query) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("apiVersion", "v1");
    if ("portforward".equals(subresource)) {
      o.put("kind", "PodPortForwardOptions");
      ArrayNode ports = Json.MAPPER.createArrayNode();
      for (String p : query.getAll("ports")) {
        for (String one : p.split(",")) {
          try {
            ports.add(Integer.parseInt(one.trim()));
          } catch (NumberFormatException e) {
            // the kubelet reports a bad port; admission sees the ones that parse
          }
        }
      }
      if (!ports.isEmpty()) {
        o.set("ports", ports);
      }
      return o;
    }
    o.put("kind", "exec".equals(subresource) ? "PodExecOptions" : "PodAttachOptions");
    for (String flag : FLAGS) {
      String v = query.get(flag);
      if ("true".equals(v) || "1".equals(v)) {
        o.put(flag, true);
      }
    }
    String container = query.get("container");
    if (container != null && !container.isEmpty()) {
      o.put("container", container);
    }
    List<String> command = query.getAll("command");
    if ("exec".equals(subresource) && !command.isEmpty()) {
      ArrayNode c = o.putArray("command");
      command.forEach(c::add);
    }
    return o;
  }
}
