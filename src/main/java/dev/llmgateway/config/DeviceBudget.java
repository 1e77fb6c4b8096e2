package dev.llmgateway.config;

/** The memory models may use on one device ({@code gpu0}, {@code cpu}); name {@code *} = any device. */
public record DeviceBudget(String name, long bytes) {

  public static final String ANY = "*";
}
