package io.quarkube.scheduler.framework.plugins.helper;

/** A topology domain: a node label key and one of its values (zone=a, hostname=n1). */
public record TopologyPair(String key, String value) {}
