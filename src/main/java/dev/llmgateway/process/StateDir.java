package dev.llmgateway.process;

import dev.llmgateway.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where the gateway keeps what must outlive it (the PIDs of its children, generated LiteLLM
 * configs): {@code gateway.state_dir}, else {@code $XDG_STATE_HOME/llm-gateway}, else
 * {@code ~/.local/state/llm-gateway}. Files are named after the config file, so two gateways with
 * different configs never touch each other's children.
 */
final class StateDir {

  private StateDir() {
  }

  static Path of(GatewayConfig config, Map<String, String> env) {
    String configured = config.gateway().supervision().stateDir();
    if (configured != null) {
      return Path.of(config.file()).getParent().resolve(configured).normalize();
    }
    String xdg = env.get("XDG_STATE_HOME");
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".local", "state");
    return base.resolve("llm-gateway");
  }

  /** A short stable name for the config file: {@code llm-3f2a9c1d}. */
  static String key(GatewayConfig config) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(config.file().getBytes(StandardCharsets.UTF_8));
      return "llm-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
