package dev.llmgateway.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * A part of the HTTP surface that a verticle area adds to the router's server ({@code /admin/*},
 * {@code /admin/ollama/*}, the page). The gateway hands them to every router instance, which mounts
 * them in order on its own event loop before it listens; areas never import each other.
 */
public interface RouteMount {

  Future<Void> mount(Vertx vertx, Router router);
}
