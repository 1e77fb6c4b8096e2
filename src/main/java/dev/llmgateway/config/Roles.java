package dev.llmgateway.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The one rule for which entries have a role. <b>main</b>: the main model of the current mode
 * ({@link GatewayConfig#mainRef()}), and in {@code mix} mode both sides ({@code main_llm_local} and
 * {@code main_llm_cloud}), since either may answer "main". <b>embedding</b>: {@code embedding_llm}.
 * Entries with a role start with the gateway, are listed with their roles, and cannot be deleted
 * from Ollama without {@code force}; two of them cannot share a port.
 */
public final class Roles {

  public static final String MAIN = "main";
  public static final String EMBEDDING = "embedding";

  /** One role of one entry, and the llm.yml key that gives it. */
  public record Assignment(String ref, String role, String key) {
  }

  private final List<Assignment> assignments;

  private Roles(List<Assignment> assignments) {
    this.assignments = List.copyOf(assignments);
  }

  public static Roles of(GatewayConfig config) {
    List<Assignment> all = new ArrayList<>();
    String main = config.mainRef();
    if (main != null) {
      all.add(new Assignment(main, MAIN, keyOf(config, main)));
    }
    if (config.mainMode() == MainMode.MIX) {
      addIfNew(all, config.mainLlmLocal(), MAIN, "main_llm_local");
      addIfNew(all, config.mainLlmCloud(), MAIN, "main_llm_cloud");
    }
    if (config.embeddingLlm() != null) {
      all.add(new Assignment(config.embeddingLlm(), EMBEDDING, "embedding_llm"));
    }
    return new Roles(all);
  }

  /** Every role, main first, each entry once per role. */
  public List<Assignment> assignments() {
    return assignments;
  }

  /** The roles of one entry ({@code local_models/<id>}): none, main, embedding or both. */
  public List<String> of(String ref) {
    List<String> roles = new ArrayList<>(2);
    for (Assignment a : assignments) {
      if (a.ref().equals(ref) && !roles.contains(a.role())) {
        roles.add(a.role());
      }
    }
    return roles;
  }

  /** Whether an entry has any role. */
  public boolean has(String ref) {
    return assignments.stream().anyMatch(a -> a.ref().equals(ref));
  }

  private static void addIfNew(List<Assignment> all, String ref, String role, String key) {
    if (ref != null && all.stream().noneMatch(a -> a.ref().equals(ref) && a.role().equals(role))) {
      all.add(new Assignment(ref, role, key));
    }
  }

  private static String keyOf(GatewayConfig config, String mainRef) {
    if (config.mainMode() == MainMode.CLOUD && mainRef.equals(config.mainLlmCloud())) {
      return "main_llm_cloud";
    }
    if (mainRef.equals(config.mainLlmLocal())) {
      return "main_llm_local";
    }
    return mainRef.equals(config.mainLlmCloud()) ? "main_llm_cloud" : "main_llm";
  }
}
