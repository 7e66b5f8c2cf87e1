package io.quarkube.apiserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Encryption of resources at rest from an {@code apiserver.config.k8s.io/v1 EncryptionConfiguration} (upstream's
 * {@code --encryption-provider-config}). The file is {@code quarkube.encryption.config-file}, else
 * {@code <state-dir>/encryption-config.yaml}, written at first start with a fresh AES-GCM key for secrets (identity
 * listed second so that secrets written before still read). Without either, nothing is encrypted.
 */
public final class EncryptionAtRest {
  private static final Logger LOG = Logger.getLogger(EncryptionAtRest.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private EncryptionAtRest() {}

  /** {@code storage}, encrypting what the configuration names (or unchanged when nothing is configured). */
  public static Storage decorate(Storage storage, ResourceCatalog catalog) {
    var config = ConfigProvider.getConfig();
    Optional<String> file = config.getOptionalValue("quarkube.encryption.config-file", String.class);
    Optional<String> stateDir = config.getOptionalValue("quarkube.state-dir", String.class);
    Path path;
    if (file.isPresent()) {
      path = Path.of(file.get());
    } else if (stateDir.isPresent()) {
      path = Path.of(stateDir.get(), "encryption-config.yaml");
    } else {
      return storage;
    }
    try {
      if (!Files.exists(path)) {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.writeString(path, generated());
        try {
          Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        LOG.infof("wrote a new encryption configuration (aesgcm for secrets) to %s", path);
      }
      Map<String, ValueTransformer> byPrefix = parse(Files.readString(path), catalog);
      LOG.infof("encryption at rest: %s (from %s)", byPrefix.keySet(), path);
      return byPrefix.isEmpty() ? storage : new TransformingStorage(storage, byPrefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the encryption configuration " + path, e);
    }
  }

  /** A configuration that encrypts secrets with a new random 256-bit AES-GCM key. */
  static String generated() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return """
        # Written by the Quarkube API server at first start: secrets are encrypted in etcd with AES-GCM.
        # Rotate by adding a new key first, restarting, rewriting all secrets, then removing the old key.
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources:
              - secrets
            providers:
              - aesgcm:
                  keys:
                    - name: key1
                      secret: %s
              - identity: {}
        """.formatted(Base64.getEncoder().encodeToString(key));
  }

  /** The transformers by etcd key prefix ({@code /registry/secrets/}). */
  static Map<String, ValueTransformer> parse(String yaml, ResourceCatalog catalog) throws IOException {
    JsonNode root = YAML.readTree(yaml);
    if (!"EncryptionConfiguration".equals(root.path("kind").asText())) {
      throw new IllegalArgumentException("not an EncryptionConfiguration (kind " + root.path("kind").asText() + ")");
    }
    Map<String, ValueTransformer> out = new LinkedHashMap<>();
    for (JsonNode entry : root.path("resources")) {
      List<EncryptionProviders.Key> keys = new ArrayList<>();
      boolean identityFirst = false;
      boolean identity = false;
      int index = 0;
      for (JsonNode provider : entry.path("providers")) {
        if (provider.has("identity")) {
          identity = true;
          identityFirst |= index == 0;
        }
        for (String type : List.of("aesgcm", "aescbc")) {
          for (JsonNode k : provider.path(type).path("keys")) {
            byte[] secret = Base64.getDecoder().decode(k.path("secret").asText());
            if (secret.length != 16 && secret.length != 24 && secret.length != 32) {
              throw new IllegalArgumentException("key " + k.path("name").asText() + " of " + type
                  + " must be 16, 24 or 32 bytes, not " + secret.length);
            }
            keys.add(new EncryptionProviders.Key(type, k.path("name").asText(), secret));
          }
        }
        index++;
      }
      EncryptionProviders transformer = new EncryptionProviders(keys, identityFirst, identity);
      for (JsonNode r : entry.path("resources")) {
        String name = r.asText();
        String resource = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        String group = name.contains(".") ? name.substring(name.indexOf('.') + 1) : "";
        for (ResourceDefinition d : catalog.all()) {
          if (!d.isVirtual() && d.resource().equals(resource) && d.group().equals(group)) {
            out.putIfAbsent("/registry/" + d.storagePrefix() + "/", transformer);
          }
        }
      }
    }
    return out;
  }
}
