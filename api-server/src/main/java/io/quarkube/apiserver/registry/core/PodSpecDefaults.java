package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.ArrayList;
import java.util.List;

/** Upstream's pod spec defaults (pkg/apis/core/v1/defaults.go), shared by pods and every pod template. */
public final class PodSpecDefaults {
  private PodSpecDefaults() {}

  public static void apply(PodTemplateSpec template) {
    if (template != null && template.getSpec() != null) {
      apply(template.getSpec());
    }
  }

  public static void apply(PodSpec spec) {
    if (spec.getRestartPolicy() == null) {
      spec.setRestartPolicy("Always");
    }
    if (spec.getDnsPolicy() == null) {
      spec.setDnsPolicy("ClusterFirst");
    }
    if (spec.getSchedulerName() == null) {
      spec.setSchedulerName("default-scheduler");
    }
    if (spec.getTerminationGracePeriodSeconds() == null) {
      spec.setTerminationGracePeriodSeconds(30L);
    }
    if (spec.getSecurityContext() == null) {
      spec.setSecurityContext(new PodSecurityContext());
    }
    if (spec.getEnableServiceLinks() == null) {
      spec.setEnableServiceLinks(true);
    }
    if (spec.getServiceAccountName() != null && spec.getServiceAccount() == null) {
      spec.setServiceAccount(spec.getServiceAccountName());
    }
    for (Container c : all(spec)) {
      apply(c);
    }
    ephemeral(spec);
  }

  /** The defaults of ephemeral containers: those of a container that apply to them. */
  static void ephemeral(PodSpec spec) {
    if (spec.getEphemeralContainers() == null) {
      return;
    }
    for (EphemeralContainer e : spec.getEphemeralContainers()) {
      if (e.getTerminationMessagePath() == null) {
        e.setTerminationMessagePath("/dev/termination-log");
      }
      if (e.getTerminationMessagePolicy() == null) {
        e.setTerminationMessagePolicy("File");
      }
      if (e.getImagePullPolicy() == null) {
        e.setImagePullPolicy(pullsAlways(e.getImage()) ? "Always" : "IfNotPresent");
      }
    }
  }

  private static void apply(Container c) {
    if (c.getTerminationMessagePath() == null) {
      c.setTerminationMessagePath("/dev/termination-log");
    }
    if (c.getTerminationMessagePolicy() == null) {
      c.setTerminationMessagePolicy("File");
    }
    if (c.getImagePullPolicy() == null) {
      c.setImagePullPolicy(pullsAlways(c.getImage()) ? "Always" : "IfNotPresent");
    }
    if (c.getPorts() != null) {
      for (ContainerPort p : c.getPorts()) {
        if (p.getProtocol() == null) {
          p.setProtocol("TCP");
        }
      }
    }
  }

  /** No tag, or the tag {@code latest}, means Always (a digest pins the image, so IfNotPresent). */
  static boolean pullsAlways(String image) {
    if (image == null || image.contains("@")) {
      return false;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon <= slash || image.substring(colon + 1).equals("latest");
  }

  public static List<Container> all(PodSpec spec) {
    List<Container> out = new ArrayList<>();
    if (spec.getInitContainers() != null) {
      out.addAll(spec.getInitContainers());
    }
    if (spec.getContainers() != null) {
      out.addAll(spec.getContainers());
    }
    return out;
  }
}
