/**
 * Kubernetes protobuf wire format ({@code application/vnd.kubernetes.protobuf}) to and from the JSON form of the same
 * object, for an API server that works on JSON. Entry point: {@link io.quarkube.proto.kube.KubeProtobuf}.
 */
package io.quarkube.proto.kube;
