package dev.llmgateway.routing;

import dev.llmgateway.api.Endpoint;
import dev.llmgateway.model.Backend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * What each backend answered when asked an API in front natively: served it ({@code native}), or
 * said 404/405/501 for the path itself ({@code translated}: the gateway translates from then on).
 * Kept per backend ref and address — a backend moved to another host or port is asked afresh — for
 * as long as the gateway runs, in one map that every router instance shares.
 */
final class NativeApis {

  static final String NATIVE = "native";
  static final String TRANSLATED = "translated";

  private final LocalMap<String, String> known;

  NativeApis(Vertx vertx) {
    this.known = vertx.sharedData().getLocalMap("llm.routing.native-apis");
  }

  boolean translated(Backend backend, Endpoint endpoint) {
    return TRANSLATED.equals(known.get(key(backend, endpoint)));
  }

  void remember(Backend backend, Endpoint endpoint, String how) {
    known.put(key(backend, endpoint), how);
  }

  /** {@code {"backends": {ref: {authority: {path: how}}}}}, as {@code llm.routing.apis} answers. */
  JsonObject snapshot() {
    JsonObject backends = new JsonObject();
    known.forEach((key, how) -> {
      String[] part = key.split("\n", 3);
      JsonObject byRef = backends.getJsonObject(part[0]);
      if (byRef == null) {
        backends.put(part[0], byRef = new JsonObject());
      }
      JsonObject byAddress = byRef.getJsonObject(part[1]);
      if (byAddress == null) {
        byRef.put(part[1], byAddress = new JsonObject());
      }
      byAddress.put(part[2], how);
    });
    return new JsonObject().put("backends", backends);
  }

  private static String key(Backend backend, Endpoint endpoint) {
    return backend.ref() + "\n" + backend.authority() + "\n" + endpoint.path();
  }
}
