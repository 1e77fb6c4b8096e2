package dev.llmgateway.routing;

import dev.llmgateway.model.Backend;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code Authorization} a backend gets: for cloud models, the env var named by api_key_name, else api_key. */
final class BackendKeys {

  private static final Logger LOG = LoggerFactory.getLogger(BackendKeys.class);

  private final Function<String, String> env;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  BackendKeys(Function<String, String> env) {
    this.env = env;
  }

  String authorization(Backend backend) {
    if (backend.kind() != Backend.Kind.CLOUD) {
      return null;
    }
    String key = backend.apiKeyName() == null ? null : env.apply(backend.apiKeyName());
    if (key == null || key.isBlank()) {
      key = backend.apiKey();
    }
    if (key == null || key.isBlank()) {
      if (backend.apiKeyName() != null && warned.add(backend.ref())) {
        LOG.warn("{}: environment variable {} is not set; sending requests without an API key",
            backend.ref(), backend.apiKeyName());
      }
      return null;
    }
    return "Bearer " + key;
  }
}
