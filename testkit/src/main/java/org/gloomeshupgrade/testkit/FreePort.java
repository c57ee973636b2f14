package org.gloomeshupgrade.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * A loopback port for a server a test starts as a child process. Not {@code new ServerSocket(0)}:
 * that hands out a port of the kernel's ephemeral range, which the next outgoing connection of any
 * process (an API server dialling etcd, a test's HTTP client) may take before the child binds it;
 * CI saw etcd fail with "address already in use" that way. Ports come from below that range
 * instead, and never twice from one JVM.
 */
public final class FreePort {

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /** Linux's default first ephemeral port, when the kernel does not say. */
  private static final int DEFAULT_EPHEMERAL_START = 32768;

  private static final int LOWEST = 15000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePort() {}

  /**
   * A port nothing listens on now, outside the ephemeral range, not handed out before by this JVM.
   */
  public static int pick() {
    int below = ephemeralStart();
    if (below > LOWEST + 100) {
      return pick(LOWEST, below);
    }
    // A kernel whose ephemeral range starts low: the kernel's choice, with the race it brings.
    try (ServerSocket socket = new ServerSocket(0)) {
      HANDED_OUT.add(socket.getLocalPort());
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  /**
   * The first free port from a random place in [from, below), wrapping round; at most 500 tried.
   */
  static int pick(int from, int below) {
    int size = below - from;
    int start = ThreadLocalRandom.current().nextInt(size);
    for (int i = 0; i < Math.min(size, 500); i++) {
      int port = from + (start + i) % size;
      if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port in [" + from + ", " + below + ")");
  }

  /**
   * Whether {@code log} tells of a server that lost its port to another process between pick and
   * bind.
   */
  static boolean lostItsPort(String log) {
    return log != null && log.contains("address already in use");
  }

  /**
   * How many times a server is started in all, when it keeps losing its port between pick and bind.
   */
  static final int ATTEMPTS = 3;

  /**
   * Runs {@code attempt} (numbered from 1), again while the server it starts loses its port to
   * another process between pick and bind, up to {@link #ATTEMPTS} in all; any other failure, or
   * the last, is thrown.
   */
  static <T> T retryingLostPort(IntFunction<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return attempt.apply(n);
      } catch (IllegalStateException e) {
        if (n == ATTEMPTS || !lostItsPort(e.getMessage())) {
          throw e;
        }
      }
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int ephemeralStart() {
    try {
      // Not Files.readString: /proc files claim size 0, and it then returns only the first byte.
      String[] range =
          Files.readAllLines(EPHEMERAL_RANGE, StandardCharsets.US_ASCII)
              .get(0)
              .trim()
              .split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_START;
    }
  }
}
