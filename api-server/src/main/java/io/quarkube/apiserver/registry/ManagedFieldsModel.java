package io.quarkube.apiserver.registry;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.quarkube.apiserver.json.RawFieldsV1;
import io.quarkube.machinery.apply.ManagedFields;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The field manager's entries as the Fabric8 model holds them, built directly: going through their JSON tree and a
 * Jackson conversion was a tenth of a pod create's CPU and allocation. Same content as {@link ManagedFields#toJson}:
 * empty strings and a missing time are left out, fieldsV1 keys are in upstream's order.
 */
final class ManagedFieldsModel {
  private ManagedFieldsModel() {}

  /** The entries for {@code metadata.managedFields}; null when there are none (the field is then left out). */
  static List<ManagedFieldsEntry> toModel(ManagedFields managed) {
    if (managed.isEmpty()) {
      return null;
    }
    List<ManagedFieldsEntry> out = new ArrayList<>(managed.entries().size());
    for (io.quarkube.machinery.apply.ManagedFieldsEntry e : managed.entries()) {
      ManagedFieldsEntry m = new ManagedFieldsEntry();
      m.setManager(emptyToNull(e.manager()));
      m.setOperation(e.operation().name());
      m.setApiVersion(emptyToNull(e.apiVersion()));
      m.setTime(e.time() == null ? null : DateTimeFormatter.ISO_INSTANT.format(e.time()));
      m.setFieldsType(emptyToNull(e.fieldsType()));
      m.setFieldsV1(new RawFieldsV1(e.fieldsV1().toJson()));
      m.setSubresource(emptyToNull(e.subresource()));
      out.add(m);
    }
    return out;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
