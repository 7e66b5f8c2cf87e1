package io.quarkube.apiserver.endpoints;

import io.quarkube.apiserver.errors.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The {@code fieldValidation} query parameter: what happens to fields the kind does not have (they are always
 * dropped before storing, as upstream's decoder drops them). kubectl sends Strict; the server's default is Warn.
 */
public enum FieldValidation {
  STRICT,
  WARN,
  IGNORE;

  public static FieldValidation of(RoutingContext ctx) {
    String v = ctx.queryParams().get("fieldValidation");
    if (v == null || v.isEmpty()) {
      return WARN;
    }
    return switch (v) {
      case "Strict" -> STRICT;
      case "Warn" -> WARN;
      case "Ignore" -> IGNORE;
      default -> throw ApiException.badRequest("fieldValidation parameter unsupported: \"" + v
          + "\", must be one of: Ignore, Warn, Strict");
    };
  }

  /** Reports what the decoder dropped: a 400 under Strict, {@code Warning} headers under Warn. */
  public void report(RoutingContext ctx, String kind, String version, List<String> problems) {
    if (problems.isEmpty() || this == IGNORE) {
      return;
    }
    if (this == STRICT) {
      throw ApiException.badRequest(kind + " in version \"" + version + "\" cannot be handled as a " + kind
          + ": strict decoding error: " + String.join(", ", problems));
    }
    for (String p : problems) {
      ctx.response().headers().add("Warning", "299 - \"" + p.replace("\"", "\\\"") + "\"");
    }
  }
}
