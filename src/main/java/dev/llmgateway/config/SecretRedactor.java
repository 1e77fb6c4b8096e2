package dev.llmgateway.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces secrets in a config tree before it is shown anywhere: values of secret-looking keys
 * ({@code api_key}, {@code admin_token}, {@code *_secret}, {@code password}...) and any value equal to
 * a known secret, wherever it was put. {@code api_key_name} is the name of a variable, not a secret.
 */
public final class SecretRedactor {

  public static final String MASK = "***";

  private static final Pattern SECRET_KEY = Pattern.compile(
      "(?i)(.*_)?(api_?keys?|token|secret|password|passwd|credentials?|auth(orization)?)");

  private final Set<String> secrets;

  public SecretRedactor(Set<String> secrets) {
    this.secrets = Set.copyOf(secrets);
  }

  /** The secrets of a config: inline API keys, the admin token and the keys found in the env. */
  public static SecretRedactor of(GatewayConfig config, Function<String, String> env) {
    Set<String> found = new HashSet<>();
    for (CloudModel m : config.cloudModels()) {
      addIfSet(found, m.apiKey());
      if (m.apiKeyName() != null) {
        addIfSet(found, env.apply(m.apiKeyName()));
      }
    }
    addIfSet(found, config.gateway().adminToken());
    config.gateway().apiKeys().forEach(k -> addIfSet(found, k));
    return new SecretRedactor(found);
  }

  /**
   * The secrets written in a file, valid or not: values of secret-looking keys anywhere in the
   * tree. Used to mask problems, which may quote a value put where it does not belong.
   */
  public static SecretRedactor fromTree(Object tree) {
    Set<String> found = new HashSet<>();
    collect(tree, false, found);
    return new SecretRedactor(found);
  }

  private static void collect(Object value, boolean secretKey, Set<String> found) {
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> collect(v, SECRET_KEY.matcher(String.valueOf(k)).matches(), found));
    } else if (value instanceof List<?> l) {
      l.forEach(v -> collect(v, secretKey, found));
    } else if (secretKey && value != null) {
      addIfSet(found, String.valueOf(value));
    }
  }

  /** The same problems, with every known secret masked. */
  public List<ConfigProblem> redact(List<ConfigProblem> problems) {
    return problems.stream().map(p -> new ConfigProblem(p.warning(), p.key(), redactText(p.message()), p.line()))
        .toList();
  }

  private static void addIfSet(Set<String> set, String value) {
    if (value != null && !value.isBlank()) {
      set.add(value);
    }
  }

  public Object redact(Object tree) {
    return redact(tree, false);
  }

  /** Text with every known secret masked (for messages that quote backend answers). */
  public String redactText(String text) {
    String out = text;
    for (String s : secrets) {
      if (s.length() >= 4) { // masking a 1-3 character "secret" inside text would garble everything
        out = out.replace(s, MASK);
      }
    }
    return out;
  }

  private Object redact(Object value, boolean secretKey) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> {
        String key = String.valueOf(k);
        out.put(key, redact(v, SECRET_KEY.matcher(key).matches()));
      });
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(redact(v, secretKey)));
      return out;
    }
    if (value == null) {
      return null;
    }
    if (secretKey || secrets.contains(String.valueOf(value))) {
      return MASK;
    }
    return value instanceof String s ? redactText(s) : value;
  }
}
