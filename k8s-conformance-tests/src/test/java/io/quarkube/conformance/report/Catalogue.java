package io.quarkube.conformance.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The conformance catalogue: every behaviour of the subset, read from {@code conformance-subset.yaml}. */
public record Catalogue(List<Behaviour> behaviours) {
  public static final String RESOURCE = "/conformance-subset.yaml";
  public static final List<String> AREAS = List.of("api-machinery", "apps", "node", "network", "storage", "auth",
      "scheduling", "cli");

  /** One behaviour; {@code knownFailure} is empty unless the catalogue says why it fails today. */
  public record Behaviour(String id, String area, String description, List<String> upstream,
      Optional<String> knownFailure) {}

  private static Catalogue loaded;

  /** The catalogue on the test classpath (read once). */
  public static synchronized Catalogue load() {
    if (loaded == null) {
      try (InputStream in = Catalogue.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is not on the classpath");
        }
        loaded = parse(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return loaded;
  }

  static Catalogue parse(InputStream yaml) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    List<Behaviour> result = new ArrayList<>();
    for (JsonNode b : root.path("behaviours")) {
      List<String> upstream = new ArrayList<>();
      b.path("upstream").forEach(u -> upstream.add(u.asText()));
      String known = b.path("known-failure").asText("");
      result.add(new Behaviour(b.path("id").asText(), b.path("area").asText(), b.path("description").asText(),
          List.copyOf(upstream), known.isBlank() ? Optional.empty() : Optional.of(known)));
    }
    return new Catalogue(List.copyOf(result));
  }

  public Map<String, Behaviour> byId() {
    Map<String, Behaviour> map = new LinkedHashMap<>();
    behaviours.forEach(b -> map.put(b.id(), b));
    return map;
  }

  public Optional<Behaviour> find(String id) {
    return Optional.ofNullable(byId().get(id));
  }
}
