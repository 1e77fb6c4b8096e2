package dev.llmgateway.config;

/**
 * {@code gateway.tls}: the listener speaks HTTPS with this PEM certificate (chain) and PEM private
 * key. Both are file paths; {@link #OFF} when the block is absent.
 */
public record TlsSettings(String certPath, String keyPath) {

  public static final TlsSettings OFF = new TlsSettings(null, null);

  public boolean enabled() {
    return certPath != null;
  }
}
