package io.quarkube.bench;

/** A JVM that does nothing: the footprint floor of one Java component. */
public final class Idle {
  private Idle() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("idle");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
