package dev.llmgateway.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Reads an Ollama address the way Ollama's own client reads {@code OLLAMA_HOST}: the scheme defaults
 * to http, the host to 127.0.0.1 and the port to 11434, so {@code 0.0.0.0}, {@code :11434},
 * {@code ollama:11434} and {@code http://box:11434/} all work.
 */
public final class OllamaUrl {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 11434;
  public static final String DEFAULT_URL = "http://" + DEFAULT_HOST + ":" + DEFAULT_PORT;

  private OllamaUrl() {
  }

  /** {@code http://host:port} without a trailing slash, or null when the text is not an address. */
  public static String normalize(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String s = text.trim();
    String scheme = "http";
    int sep = s.indexOf("://");
    if (sep >= 0) {
      scheme = s.substring(0, sep).toLowerCase();
      s = s.substring(sep + 3);
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return null;
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      s = s.substring(0, slash);
    }
    try {
      URI uri = new URI(scheme + "://" + (s.startsWith(":") ? DEFAULT_HOST + s : s));
      String host = uri.getHost() == null ? DEFAULT_HOST : uri.getHost();
      int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : DEFAULT_PORT;
      if (uri.getHost() == null && !s.isEmpty() && !s.startsWith(":")) {
        return null;
      }
      return scheme + "://" + host + ":" + port;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  public static String host(String normalizedUrl) {
    return URI.create(normalizedUrl).getHost();
  }

  public static int port(String normalizedUrl) {
    return URI.create(normalizedUrl).getPort();
  }
}
