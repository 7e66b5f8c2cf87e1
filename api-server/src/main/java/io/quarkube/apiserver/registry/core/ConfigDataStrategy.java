package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** ConfigMaps and Secrets: key rules, the 1 MiB size limit, immutability, and the Secret's default type. */
public final class ConfigDataStrategy {
  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final int MAX_SIZE = 1024 * 1024;

  private ConfigDataStrategy() {}

  public static Strategy<ConfigMap> configMaps() {
    return new Strategy<>() {
      @Override
      public List<FieldError> validate(ConfigMap cm) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long size = keys(cm.getData(), "data", seen, errors);
        size += keys(cm.getBinaryData(), "binaryData", seen, errors);
        if (size > MAX_SIZE) {
          errors.add(new FieldError(FieldError.Type.TOO_LONG, "", null, "must have at most 1048576 bytes"));
        }
        return errors;
      }

      @Override
      public List<FieldError> validateUpdate(ConfigMap cm, ConfigMap old) {
        List<FieldError> errors = new ArrayList<>(validate(cm));
        immutable(cm, old, cm.getImmutable(), old.getImmutable(),
            Objects.equals(cm.getData(), old.getData()) && Objects.equals(cm.getBinaryData(), old.getBinaryData()),
            errors);
        return errors;
      }
    };
  }

  public static Strategy<Secret> secrets() {
    return new Strategy<>() {
      @Override
      public void prepareForCreate(Secret s) {
        if (s.getType() == null || s.getType().isEmpty()) {
          s.setType("Opaque");
        }
        // stringData is write-only: upstream folds it into data on write.
        if (s.getStringData() != null) {
          Map<String, String> data = s.getData() == null ? new java.util.LinkedHashMap<>()
              : new java.util.LinkedHashMap<>(s.getData());
          s.getStringData().forEach((k, v) -> data.put(k,
              Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
          s.setData(data);
          s.setStringData(null);
        }
      }

      @Override
      public void prepareForUpdate(Secret s, Secret old) {
        prepareForCreate(s);
      }

      @Override
      public List<FieldError> validate(Secret s) {
        List<FieldError> errors = new ArrayList<>();
        long size = keys(s.getData(), "data", new HashSet<>(), errors);
        if (size > MAX_SIZE) {
          errors.add(new FieldError(FieldError.Type.TOO_LONG, "data", null, "must have at most 1048576 bytes"));
        }
        return errors;
      }

      @Override
      public List<FieldError> validateUpdate(Secret s, Secret old) {
        List<FieldError> errors = new ArrayList<>(validate(s));
        if (!Objects.equals(s.getType(), old.getType())) {
          errors.add(FieldError.invalid("type", s.getType(), "field is immutable"));
        }
        immutable(s, old, s.getImmutable(), old.getImmutable(), Objects.equals(s.getData(), old.getData()), errors);
        return errors;
      }

      @Override
      public Set<String> selectableFields() {
        return Set.of("type");
      }

      @Override
      public Map<String, String> fieldValues(Secret s) {
        return Map.of("type", Objects.toString(s.getType(), ""));
      }
    };
  }

  private static long keys(Map<String, String> data, String field, Set<String> seen, List<FieldError> errors) {
    if (data == null) {
      return 0;
    }
    long size = 0;
    for (Map.Entry<String, String> e : data.entrySet()) {
      String k = e.getKey();
      if (k.length() > 253 || !KEY.matcher(k).matches() || k.equals(".") || k.equals("..")) {
        errors.add(FieldError.invalid(field + "[" + k + "]", k,
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
                + "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
      }
      if (!seen.add(k)) {
        errors.add(FieldError.invalid(field + "[" + k + "]", k, "duplicate of key present in data"));
      }
      size += k.length() + (e.getValue() == null ? 0 : e.getValue().length());
    }
    return size;
  }

  private static void immutable(HasMetadata obj, HasMetadata old, Boolean nowImmutable, Boolean wasImmutable,
      boolean dataUnchanged, List<FieldError> errors) {
    if (Boolean.TRUE.equals(wasImmutable)) {
      if (!Boolean.TRUE.equals(nowImmutable)) {
        errors.add(FieldError.forbidden("immutable", "field is immutable when `immutable` is set"));
      }
      if (!dataUnchanged) {
        errors.add(FieldError.forbidden("data", "field is immutable when `immutable` is set"));
      }
    }
  }
}
