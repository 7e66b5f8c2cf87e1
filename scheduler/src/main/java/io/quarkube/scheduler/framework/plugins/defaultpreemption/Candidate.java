package io.quarkube.scheduler.framework.plugins.defaultpreemption;

import io.quarkube.scheduler.framework.PodInfo;
import java.util.List;

/** A node where preemption would work: the pods to evict (most important first) and how many break a PDB. */
public record Candidate(String nodeName, List<PodInfo> victims, int numPdbViolations) {}
