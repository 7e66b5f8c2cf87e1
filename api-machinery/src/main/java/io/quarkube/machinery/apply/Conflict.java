package io.quarkube.machinery.apply;

/** A field an applier would change although another manager owns it. */
public record Conflict(ManagerIdentity manager, FieldPath path) {

    /** Upstream's cause message, e.g. {@code conflict with "kube-controller-manager" using apps/v1}. */
    public String message() {
        return "conflict with " + manager.describe();
    }
}
