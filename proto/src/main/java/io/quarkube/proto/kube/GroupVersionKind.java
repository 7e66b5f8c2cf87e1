package io.quarkube.proto.kube;

/** A Kubernetes object type: API group ("" for core), version and kind. */
public record GroupVersionKind(String group, String version, String kind) {

    /** Splits an {@code apiVersion} ("v1" or "apps/v1") and pairs it with a kind. */
    public static GroupVersionKind of(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        return slash < 0
                ? new GroupVersionKind("", apiVersion, kind)
                : new GroupVersionKind(apiVersion.substring(0, slash), apiVersion.substring(slash + 1), kind);
    }

    /** The {@code apiVersion} string: "v1" for the core group, "group/version" otherwise. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    @Override
    public String toString() {
        return apiVersion() + ", Kind=" + kind;
    }
}
