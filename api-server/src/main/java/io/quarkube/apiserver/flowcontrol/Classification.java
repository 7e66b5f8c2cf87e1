package io.quarkube.apiserver.flowcontrol;

/**
 * The FlowSchema a request matched and the priority level it names, with their UIDs (empty for a mandatory object
 * that is not stored yet, which upstream imagines in the same way).
 */
public record Classification(String flowSchema, String flowSchemaUid, String priorityLevel,
    String priorityLevelUid) {}
