package dev.llmgateway.config;

import java.util.List;

/**
 * One {@code cloud_models} entry, served by a LiteLLM proxy at {@code host:port}. {@code apiKey} is a
 * secret: it is never printed, logged or returned ({@link #toString()} redacts it).
 */
public record CloudModel(
    String id,
    String alias,
    String path,
    String host,
    int port,
    String apiKeyName,
    String apiKey,
    List<String> capabilities,
    String description,
    boolean available,
    Integer maxConcurrent,
    Integer requestTimeoutSeconds,
    List<PoolEndpoint> endpoints) {

  public static final String REF_PREFIX = "cloud_models/";

  public CloudModel {
    capabilities = List.copyOf(capabilities);
    endpoints = List.copyOf(endpoints);
  }

  public String ref() {
    return REF_PREFIX + id;
  }

  @Override
  public String toString() {
    return "CloudModel[id=" + id + ", path=" + path + ", host=" + host + ", port=" + port
        + ", apiKeyName=" + apiKeyName + ", apiKey=" + (apiKey == null ? "none" : "***") + "]";
  }
}
