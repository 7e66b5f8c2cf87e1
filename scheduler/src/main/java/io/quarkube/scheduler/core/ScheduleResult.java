package io.quarkube.scheduler.core;

/** The node chosen for a pod, with how many nodes were looked at and how many fitted. */
public record ScheduleResult(String suggestedHost, int evaluatedNodes, int feasibleNodes) {}
