package io.quarkube.apiserver.table;

/**
 * The field descriptions of storage.k8s.io/v1 that upstream's Table columns of CSI drivers, volume attachments and
 * storage capacities carry (k8s.io/api's generated swagger docs).
 */
final class StorageDocs {
  private StorageDocs() {}

  static final String CSIDRIVER_SPEC_ATTACH_REQUIRED =
      "attachRequired indicates this CSI volume driver requires an attach operation (because it implements "
      + "the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should c"
      + "all the attach volume interface which checks the volumeattachment status and waits until the volume "
      + "is attached before proceeding to mounting. The CSI external-attacher coordinates with CSI volume dri"
      + "ver and updates the volumeattachment status when the attach operation is complete. If the value is s"
      + "pecified to false, the attach operation will be skipped. Otherwise the attach operation will be call"
      + "ed.\n\nThis field is immutable.";

  static final String CSIDRIVER_SPEC_POD_INFO_ON_MOUNT =
      "podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, p"
      + "odUID, etc.) during mount operations, if set to true. If set to false, pod information will not be p"
      + "assed on mount. Default is false.\n\nThe CSI driver specifies podInfoOnMount as part of driver deplo"
      + "yment. If true, Kubelet will pass pod information as VolumeContext in the CSI NodePublishVolume() ca"
      + "lls. The CSI driver is responsible for parsing and validating the information passed in as VolumeCon"
      + "text.\n\nThe following VolumeContext will be passed if podInfoOnMount is set to true. This list migh"
      + "t grow, but the prefix will be used. \"csi.storage.k8s.io/pod.name\": pod.Name \"csi.storage.k8s.io/"
      + "pod.namespace\": pod.Namespace \"csi.storage.k8s.io/pod.uid\": string(pod.UID) \"csi.storage.k8s.io/"
      + "ephemeral\": \"true\" if the volume is an ephemeral inline volume\n                                d"
      + "efined by a CSIVolumeSource, otherwise \"false\"\n\n\"csi.storage.k8s.io/ephemeral\" is a new featur"
      + "e in Kubernetes 1.16. It is only required for drivers which support both the \"Persistent\" and \"Ep"
      + "hemeral\" VolumeLifecycleMode. Other drivers can leave pod info disabled and/or ignore this field. A"
      + "s Kubernetes 1.15 doesn't support this field, drivers can only support one mode when deployed on suc"
      + "h a cluster and the deployment determines which mode that is, for example via a command line paramet"
      + "er of the driver.\n\nThis field was immutable in Kubernetes < 1.29 and now is mutable.";

  static final String CSIDRIVER_SPEC_STORAGE_CAPACITY =
      "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage ca"
      + "pacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity i"
      + "nformation, if set to true.\n\nThe check can be enabled immediately when deploying a driver. In that"
      + " case, provisioning new volumes with late binding will pause until the driver deployment has publish"
      + "ed some suitable CSIStorageCapacity object.\n\nAlternatively, the driver can be deployed with the fi"
      + "eld unset or false and it can be flipped later when storage capacity information has been published."
      + "\n\nThis field was immutable in Kubernetes <= 1.22 and now is mutable.";

  static final String CSIDRIVER_SPEC_TOKEN_REQUESTS =
      "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for "
      + "to do necessary authentication. Kubelet will pass the tokens in VolumeContext in the CSI NodePublish"
      + "Volume calls. The CSI driver should parse and validate the following VolumeContext: \"csi.storage.k8"
      + "s.io/serviceAccount.tokens\": {\n  \"<audience>\": {\n    \"token\": <token>,\n    \"expirationTimes"
      + "tamp\": <expiration timestamp in RFC3339>,\n  },\n  ...\n}\n\nNote: Audience in each TokenRequest sh"
      + "ould be different and at most one token is empty string. To receive a new token after expiry, Requir"
      + "esRepublish can be used to trigger NodePublishVolume periodically.";

  static final String CSIDRIVER_SPEC_REQUIRES_REPUBLISH =
      "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to re"
      + "flect any possible change in the mounted volume. This field defaults to false.\n\nNote: After a succ"
      + "essful initial NodePublishVolume call, subsequent calls to NodePublishVolume should only update the "
      + "contents of the volume. New mount points will not be seen by a running container.";

  static final String CSIDRIVER_SPEC_VOLUME_LIFECYCLE_MODES =
      "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports. The default if th"
      + "e list is empty is \"Persistent\", which is the usage defined by the CSI specification and implement"
      + "ed in Kubernetes via the usual PV/PVC mechanism.\n\nThe other mode is \"Ephemeral\". In this mode, v"
      + "olumes are defined inline inside the pod spec with CSIVolumeSource and their lifecycle is tied to th"
      + "e lifecycle of that pod. A driver has to be aware of this because it is only going to get a NodePubl"
      + "ishVolume call for such a volume.\n\nFor more information about implementing this mode, see https://"
      + "kubernetes-csi.github.io/docs/ephemeral-local-volumes.html A driver can support one or more of these"
      + " modes and more modes may be added in the future.\n\nThis field is beta. This field is immutable.";

  static final String VOLUME_ATTACHMENT_SPEC_ATTACHER =
      "attacher indicates the name of the volume driver that MUST handle this request. This is the name ret"
      + "urned by GetPluginName().";

  static final String VOLUME_ATTACHMENT_SOURCE_PERSISTENT_VOLUME_NAME =
      "persistentVolumeName represents the name of the persistent volume to attach.";

  static final String VOLUME_ATTACHMENT_SPEC_NODE_NAME =
      "nodeName represents the node that the volume should be attached to.";

  static final String VOLUME_ATTACHMENT_STATUS_ATTACHED =
      "attached indicates the volume is successfully attached. This field must only be set by the entity co"
      + "mpleting the attach operation, i.e. the external-attacher.";

  static final String CSISTORAGE_CAPACITY_STORAGE_CLASS_NAME =
      "storageClassName represents the name of the StorageClass that the reported capacity applies to. It m"
      + "ust meet the same requirements as the name of a StorageClass object (non-empty, DNS subdomain). If t"
      + "hat object no longer exists, the CSIStorageCapacity object is obsolete and should be removed by its "
      + "creator. This field is immutable.";

  static final String CSISTORAGE_CAPACITY_CAPACITY =
      "capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest"
      + " with topology and parameters that match the previous fields.\n\nThe semantic is currently (CSI spec"
      + " 1.2) defined as: The available capacity, in bytes, of the storage that can be used to provision vol"
      + "umes. If not set, that information is currently unavailable.";
}
