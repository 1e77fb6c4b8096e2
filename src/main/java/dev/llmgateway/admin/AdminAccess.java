package dev.llmgateway.admin;

import dev.llmgateway.routing.ApiError;
import dev.llmgateway.routing.ErrorResponses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * Guards {@code /admin/*}: with an admin token, {@code Authorization: Bearer <token>} is required;
 * without one, admin is served only while the gateway listens on loopback.
 */
public final class AdminAccess implements Handler<RoutingContext> {

  private final Supplier<String> token;
  private final boolean loopbackOnly;
  private final String listenHost;

  public AdminAccess(Supplier<String> token, String listenHost) {
    this.token = token;
    this.listenHost = listenHost;
    this.loopbackOnly = isLoopback(listenHost);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String expected = token.get();
    if (expected == null) {
      if (loopbackOnly) {
        ctx.next();
      } else {
        ErrorResponses.send(ctx.response(), new ApiError(403, "permission_error", "admin_disabled",
            null, "admin endpoints are off: the gateway listens on " + listenHost + " without an "
            + "admin token; set gateway.admin_token or LLM_GATEWAY_ADMIN_TOKEN"));
      }
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : null;
    if (given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    ErrorResponses.send(ctx.response(), new ApiError(401, "authentication_error", "invalid_admin_token",
        null, "admin endpoints need the header Authorization: Bearer <admin token>"));
  }

  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
