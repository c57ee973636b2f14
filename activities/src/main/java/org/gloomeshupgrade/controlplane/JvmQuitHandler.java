package org.gloomeshupgrade.controlplane;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's own SIGQUIT handler, saved with libc's {@code sigaction} before Go code takes the
 * signal and put back after. The JVM starts its attach listener ({@code jcmd}, {@code jstack}, JFR)
 * and prints thread dumps on SIGQUIT, and does not let Java code handle it, so only libc can give
 * it back.
 */
final class JvmQuitHandler {
  private static final Logger log = LoggerFactory.getLogger(JvmQuitHandler.class);
  private static final int SIGQUIT = 3;

  /** Larger than {@code struct sigaction} on any platform: it is copied, never read. */
  private static final int SIGACTION_BYTES = 1024;

  private final Memory saved;

  private JvmQuitHandler(Memory saved) {
    this.saved = saved;
  }

  /** The handler in place now; does nothing off Linux and macOS. */
  static JvmQuitHandler save() {
    if (!Platform.isLinux() && !Platform.isMac()) {
      return new JvmQuitHandler(null);
    }
    Memory current = new Memory(SIGACTION_BYTES);
    current.clear();
    if (sigaction(null, current) != 0) {
      log.warn("cannot read the JVM's SIGQUIT handler: jcmd and thread dumps may not work");
      return new JvmQuitHandler(null);
    }
    return new JvmQuitHandler(current);
  }

  /** Puts the saved handler back. */
  void restore() {
    if (saved != null && sigaction(saved, null) != 0) {
      log.warn("cannot restore the JVM's SIGQUIT handler: jcmd and thread dumps may not work");
    }
  }

  private static int sigaction(Pointer action, Pointer old) {
    Function f = Function.getFunction(Platform.C_LIBRARY_NAME, "sigaction");
    return f.invokeInt(new Object[] {SIGQUIT, action, old});
  }
}
