package io.quarkube.scheduler.framework;

/** Every plugin has a name (the one profiles and messages use). Extension points are separate interfaces. */
public interface Plugin {
  String name();
}
