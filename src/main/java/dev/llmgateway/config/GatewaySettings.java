package dev.llmgateway.config;

/**
 * The gateway's own settings: the optional {@code gateway:} block, with flags and environment
 * variables applied on top (flag over env over file). {@code adminToken} is a secret.
 * {@code ollamaDiscovery}: the Ollama server's models are usable without entries (default true).
 * {@code tls}: HTTPS on the listener; {@code headerTimeoutMs}: how long a connection may take to send
 * a request head ({@code gateway.header_timeout_seconds}, also the keep-alive idle limit).
 */
public record GatewaySettings(
    String host,
    int port,
    String adminToken,
    String llamaServerCommand,
    String ollamaUrl,
    long maxBodyBytes,
    long connectTimeoutMs,
    long requestTimeoutMs,
    SupervisionSettings supervision,
    ConcurrencySettings concurrency,
    boolean requestLog,
    java.util.List<String> apiKeys,
    java.util.List<String> corsOrigins,
    long shutdownGraceMs,
    boolean ollamaDiscovery,
    TlsSettings tls,
    long headerTimeoutMs,
    ClusterSettings cluster,
    MemorySettings memory) {

  public GatewaySettings {
    apiKeys = java.util.List.copyOf(apiKeys);
    corsOrigins = java.util.List.copyOf(corsOrigins);
  }

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 32L * 1024 * 1024;
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 600_000;
  public static final long DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
  /** A client has this long to send a request's whole head (a slowloris client gets no longer). */
  public static final long DEFAULT_HEADER_TIMEOUT_MS = 10_000;

  @Override
  public String toString() {
    return "GatewaySettings[host=" + host + ", port=" + port + ", adminToken="
        + (adminToken == null ? "none" : "***") + ", apiKeys=" + apiKeys.size() + " (hidden)"
        + ", llamaServerCommand=" + llamaServerCommand + ", ollamaUrl=" + ollamaUrl + "]";
  }
}
