package dev.llmgateway.config;

/** The {@code hybrid_router:} block, used when {@code main_llm_mode} is {@code mix}. */
public record HybridRouter(
    String defaultRoute,
    boolean fallbackOnLlmError,
    int preferCloudIfLongChars,
    boolean showRouteInResponse) {

  public static final HybridRouter DEFAULTS = new HybridRouter("local", false, 0, false);
}
