package io.quarkube.kubelet.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8s.cri.runtime.v1.ContainerStats;
import io.k8s.cri.runtime.v1.CpuUsage;
import io.k8s.cri.runtime.v1.MemoryUsage;
import io.k8s.cri.runtime.v1.PodSandboxStats;
import io.k8s.cri.runtime.v1.UInt64Value;
import io.quarkube.kubelet.runtime.RuntimeLabels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's {@code /stats/summary} document (upstream's {@code statsapi.Summary}: node, then one entry per pod with
 * its containers): node figures from {@link NodeStats}, pod and container figures from containerd's CRI stats
 * ({@code ListPodSandboxStats}, {@code ListContainerStats}). A pure function of its inputs.
 */
public final class SummaryBuilder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SummaryBuilder() {}

  /** What the summary is made of, gathered by the caller. */
  public record Inputs(String nodeName, Instant nodeStart, Instant now, NodeStats.Cpu cpu, NodeStats.Memory memory,
      NodeStats.Fs fs, List<Pod> pods, List<PodSandboxStats> sandboxes, List<ContainerStats> containers) {}

  public static ObjectNode build(Inputs in) {
    String time = in.now().toString();
    ObjectNode root = JSON.createObjectNode();
    ObjectNode node = root.putObject("node");
    node.put("nodeName", in.nodeName());
    node.putArray("systemContainers");
    node.put("startTime", in.nodeStart().toString());
    ObjectNode cpu = node.putObject("cpu");
    cpu.put("time", time);
    cpu.put("usageNanoCores", in.cpu().usageNanoCores());
    cpu.put("usageCoreNanoSeconds", in.cpu().usageCoreNanoSeconds());
    ObjectNode mem = node.putObject("memory");
    mem.put("time", time);
    mem.put("availableBytes", in.memory().availableBytes());
    mem.put("usageBytes", in.memory().usageBytes());
    mem.put("workingSetBytes", in.memory().workingSetBytes());
    mem.put("rssBytes", in.memory().rssBytes());
    mem.put("pageFaults", in.memory().pageFaults());
    mem.put("majorPageFaults", in.memory().majorPageFaults());
    ObjectNode fs = fs(time, in.fs());
    node.set("fs", fs);
    node.putObject("runtime").set("imageFs", fs.deepCopy());

    Map<String, List<ContainerStats>> byPod = new HashMap<>();
    for (ContainerStats c : in.containers()) {
      String uid = c.getAttributes().getLabelsMap().get(RuntimeLabels.POD_UID);
      if (uid != null) {
        byPod.computeIfAbsent(uid, k -> new ArrayList<>()).add(c);
      }
    }
    Map<String, PodSandboxStats> sandboxByPod = new HashMap<>();
    for (PodSandboxStats s : in.sandboxes()) {
      sandboxByPod.put(s.getAttributes().getMetadata().getUid(), s);
    }
    ArrayNode pods = root.putArray("pods");
    for (Pod pod : in.pods()) {
      String uid = pod.getMetadata().getUid();
      PodSandboxStats sandbox = sandboxByPod.get(uid);
      List<ContainerStats> containers = byPod.getOrDefault(uid, List.of());
      if (sandbox == null && containers.isEmpty()) {
        continue; // not running (yet): upstream lists only pods the runtime has
      }
      ObjectNode p = pods.addObject();
      ObjectNode ref = p.putObject("podRef");
      ref.put("name", pod.getMetadata().getName());
      ref.put("namespace", pod.getMetadata().getNamespace());
      ref.put("uid", uid);
      if (pod.getStatus() != null && pod.getStatus().getStartTime() != null) {
        p.put("startTime", pod.getStatus().getStartTime());
      }
      ArrayNode cs = p.putArray("containers");
      long cpuTotal = 0;
      long nanoCoresTotal = 0;
      long wsTotal = 0;
      long usageTotal = 0;
      long rssTotal = 0;
      for (ContainerStats c : latestPerName(containers)) {
        ObjectNode co = cs.addObject();
        String name = c.getAttributes().getMetadata().getName();
        co.put("name", name);
        String started = startedAt(pod, name);
        if (started != null) {
          co.put("startTime", started);
        }
        co.set("cpu", cpu(time, c.getCpu()));
        co.set("memory", memory(time, c.getMemory()));
        if (c.hasWritableLayer()) {
          ObjectNode rootfs = co.putObject("rootfs");
          rootfs.put("time", time);
          rootfs.put("usedBytes", value(c.getWritableLayer().getUsedBytes()));
          rootfs.put("inodesUsed", value(c.getWritableLayer().getInodesUsed()));
        }
        cpuTotal += value(c.getCpu().getUsageCoreNanoSeconds());
        nanoCoresTotal += value(c.getCpu().getUsageNanoCores());
        wsTotal += value(c.getMemory().getWorkingSetBytes());
        usageTotal += value(c.getMemory().getUsageBytes());
        rssTotal += value(c.getMemory().getRssBytes());
      }
      if (sandbox != null && sandbox.hasLinux() && sandbox.getLinux().hasCpu()
          && value(sandbox.getLinux().getCpu().getUsageCoreNanoSeconds()) > 0) {
        p.set("cpu", cpu(time, sandbox.getLinux().getCpu()));
        p.set("memory", memory(time, sandbox.getLinux().getMemory()));
        if (sandbox.getLinux().hasProcess()) {
          p.putObject("process_stats").put("process_count",
              value(sandbox.getLinux().getProcess().getProcessCount()));
        }
      } else {
        // No pod-level figures from the runtime: the sum of the containers'.
        ObjectNode pc = p.putObject("cpu");
        pc.put("time", time);
        pc.put("usageNanoCores", nanoCoresTotal);
        pc.put("usageCoreNanoSeconds", cpuTotal);
        ObjectNode pm = p.putObject("memory");
        pm.put("time", time);
        pm.put("usageBytes", usageTotal);
        pm.put("workingSetBytes", wsTotal);
        pm.put("rssBytes", rssTotal);
      }
    }
    return root;
  }

  /** Exited instances of a container stay in the runtime; the summary shows the newest one per name. */
  private static List<ContainerStats> latestPerName(List<ContainerStats> all) {
    Map<String, ContainerStats> byName = new HashMap<>();
    for (ContainerStats c : all) {
      String name = c.getAttributes().getMetadata().getName();
      ContainerStats seen = byName.get(name);
      if (seen == null || c.getAttributes().getMetadata().getAttempt() > seen.getAttributes().getMetadata()
          .getAttempt()) {
        byName.put(name, c);
      }
    }
    List<ContainerStats> result = new ArrayList<>(byName.values());
    result.sort((a, b) -> a.getAttributes().getMetadata().getName().compareTo(b.getAttributes().getMetadata()
        .getName()));
    return result;
  }

  private static String startedAt(Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
      if (s.getName().equals(container) && s.getState() != null && s.getState().getRunning() != null) {
        return s.getState().getRunning().getStartedAt();
      }
    }
    return null;
  }

  private static ObjectNode cpu(String time, CpuUsage usage) {
    ObjectNode n = JSON.createObjectNode();
    n.put("time", time);
    n.put("usageNanoCores", value(usage.getUsageNanoCores()));
    n.put("usageCoreNanoSeconds", value(usage.getUsageCoreNanoSeconds()));
    return n;
  }

  private static ObjectNode memory(String time, MemoryUsage usage) {
    ObjectNode n = JSON.createObjectNode();
    n.put("time", time);
    if (usage.hasAvailableBytes()) {
      n.put("availableBytes", value(usage.getAvailableBytes()));
    }
    n.put("usageBytes", value(usage.getUsageBytes()));
    n.put("workingSetBytes", value(usage.getWorkingSetBytes()));
    n.put("rssBytes", value(usage.getRssBytes()));
    n.put("pageFaults", value(usage.getPageFaults()));
    n.put("majorPageFaults", value(usage.getMajorPageFaults()));
    return n;
  }

  private static ObjectNode fs(String time, NodeStats.Fs fs) {
    ObjectNode n = JSON.createObjectNode();
    n.put("time", time);
    n.put("availableBytes", fs.availableBytes());
    n.put("capacityBytes", fs.capacityBytes());
    n.put("usedBytes", fs.usedBytes());
    return n;
  }

  private static long value(UInt64Value v) {
    return v == null ? 0 : v.getValue();
  }
}
