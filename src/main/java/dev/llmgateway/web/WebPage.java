package dev.llmgateway.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import dev.llmgateway.api.RouteMount;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The "Manage models" page: {@code GET /} and its assets under {@code /ui/}, plain files from the
 * classpath folder {@code ui/}. They hold no secret and are served without the admin token; every
 * piece of data on the page comes from the {@code /admin} endpoints, which the token guards. The
 * page loads nothing from elsewhere, and the headers say so (a content security policy allowing
 * this origin only, no framing).
 */
public final class WebPage implements RouteMount {

  static final String ROOT = "ui";
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  @Override
  public Future<Void> mount(Vertx vertx, Router router) {
    // max-age 0 with ETag/Last-Modified: browsers revalidate, so an upgraded gateway's files show at once.
    StaticHandler assets = StaticHandler.create(ROOT).setCachingEnabled(true).setMaxAgeSeconds(0)
        .setDefaultContentEncoding("UTF-8").setDirectoryListing(false).setIncludeHidden(false);
    router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(WebPage::securityHeaders)
        .handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .sendFile(ROOT + "/index.html")
        .onFailure(ctx::fail));
    router.route("/ui/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(WebPage::securityHeaders)
        .handler(assets);
    return Future.succeededFuture();
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY");
    ctx.next();
  }
}
