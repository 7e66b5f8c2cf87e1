package io.quarkube.proto.kube;

import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.List;

/**
 * The generated Kubernetes {@code generated.proto} files whose messages the codec knows. Listed by hand (not found by
 * classpath scanning) so that the set is fixed at compile time; add a line here when a .proto is added under
 * src/main/proto/k8s.io. Their imports (meta/v1, runtime, intstr, resource) come along through the descriptors.
 */
final class KubeProtoFiles {

    private KubeProtoFiles() {
    }

    static List<FileDescriptor> all() {
        return List.of(
                io.k8s.apimachinery.pkg.apis.meta.v1.Generated.getDescriptor(),
                io.k8s.api.admissionregistration.v1.Generated.getDescriptor(),
                io.k8s.api.apps.v1.Generated.getDescriptor(),
                io.k8s.api.authentication.v1.Generated.getDescriptor(),
                io.k8s.api.authorization.v1.Generated.getDescriptor(),
                io.k8s.api.autoscaling.v1.Generated.getDescriptor(),
                io.k8s.api.autoscaling.v2.Generated.getDescriptor(),
                io.k8s.api.batch.v1.Generated.getDescriptor(),
                io.k8s.api.certificates.v1.Generated.getDescriptor(),
                io.k8s.api.coordination.v1.Generated.getDescriptor(),
                io.k8s.api.core.v1.Generated.getDescriptor(),
                io.k8s.api.discovery.v1.Generated.getDescriptor(),
                io.k8s.api.events.v1.Generated.getDescriptor(),
                io.k8s.api.flowcontrol.v1.Generated.getDescriptor(),
                io.k8s.api.networking.v1.Generated.getDescriptor(),
                io.k8s.api.node.v1.Generated.getDescriptor(),
                io.k8s.api.policy.v1.Generated.getDescriptor(),
                io.k8s.api.rbac.v1.Generated.getDescriptor(),
                io.k8s.api.scheduling.v1.Generated.getDescriptor(),
                io.k8s.api.storage.v1.Generated.getDescriptor());
    }
}
