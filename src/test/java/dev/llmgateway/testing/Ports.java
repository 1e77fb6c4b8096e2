package dev.llmgateway.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Free loopback ports for the servers a test starts. */
public final class Ports {

  private Ports() {
  }

  /** A port nothing listens on now (the OS's pick; a test binds it soon after). */
  public static int free() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
