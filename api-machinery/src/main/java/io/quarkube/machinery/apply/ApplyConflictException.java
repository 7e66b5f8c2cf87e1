package io.quarkube.machinery.apply;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * 409 Conflict: the applied configuration changes fields other managers own. The message is upstream's, e.g.
 * <pre>
 * Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
 * </pre>
 * or, for several,
 * <pre>
 * Apply failed with 2 conflicts: conflicts with "m" using apps/v1:
 * - .spec.replicas
 * - .spec.template.spec.containers[name="nginx"].image
 * </pre>
 * (managers sorted by identifier, their paths in set order). The Status carries one cause per conflict with type
 * {@code FieldManagerConflict}.
 */
public final class ApplyConflictException extends ApplyException {

    private static final long serialVersionUID = 1L;

    private final List<Conflict> conflicts;

    public ApplyConflictException(List<Conflict> conflicts) {
        super(409, "Conflict", message(conflicts));
        this.conflicts = List.copyOf(conflicts);
    }

    /** Conflicts from each manager's conflicting fields, in identifier order then path order. */
    static ApplyConflictException of(Map<ManagerIdentity, FieldSet> byManager) {
        TreeMap<String, ManagerIdentity> sorted = new TreeMap<>();
        byManager.keySet().forEach(m -> sorted.put(m.key(), m));
        List<Conflict> list = new ArrayList<>();
        for (ManagerIdentity m : sorted.values()) {
            for (FieldPath p : byManager.get(m).paths()) {
                list.add(new Conflict(m, p));
            }
        }
        return new ApplyConflictException(list);
    }

    public List<Conflict> conflicts() {
        return conflicts;
    }

    /** The conflicting paths, all managers together. */
    public FieldSet fields() {
        List<FieldPath> paths = new ArrayList<>();
        conflicts.forEach(c -> paths.add(c.path()));
        return FieldSet.of(paths);
    }

    static String message(List<Conflict> conflicts) {
        if (conflicts.size() == 1) {
            Conflict c = conflicts.get(0);
            return "Apply failed with 1 conflict: conflict with " + c.manager().describe() + ": " + c.path();
        }
        Map<ManagerIdentity, List<FieldPath>> byManager = new LinkedHashMap<>();
        conflicts.forEach(c -> byManager.computeIfAbsent(c.manager(), k -> new ArrayList<>()).add(c.path()));
        List<ManagerIdentity> managers = new ArrayList<>(byManager.keySet());
        managers.sort(Comparator.comparing(ManagerIdentity::key));
        List<String> lines = new ArrayList<>();
        for (ManagerIdentity m : managers) {
            lines.add("conflicts with " + m.describe() + ":");
            for (FieldPath p : byManager.get(m)) {
                lines.add("- " + p);
            }
        }
        return "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
    }

    @Override
    protected void addDetails(ObjectNode status) {
        ArrayNode causes = status.putObject("details").putArray("causes");
        for (Conflict c : conflicts) {
            causes.addObject().put("reason", "FieldManagerConflict").put("message", c.message())
                    .put("field", c.path().toString());
        }
    }
}
