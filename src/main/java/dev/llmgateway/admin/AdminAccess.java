package dev.llmgateway.admin;

import dev.llmgateway.api.ApiError;
import dev.llmgateway.api.ErrorResponses;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Guards {@code /admin/*}: with an admin token, {@code Authorization: Bearer <token>} is required;
 * without one, admin is served only while the gateway listens on loopback.
 *
 * <p>A browser's {@code EventSource} cannot send headers, so the event streams (and only they:
 * {@code GET} of {@link #isEventStream a path that ends in /events or /logs}) also take the token
 * from the cookie {@value #TOKEN_COOKIE}, URL-encoded, which the web page sets for a minute
 * (Path=/admin, SameSite=Strict) just before it opens a stream. Nothing that changes state takes the
 * cookie, so a page on another site cannot make a browser act with it. The token is never logged.
 */
public final class AdminAccess implements Handler<RoutingContext> {

  /** The cookie that may carry the admin token to the event streams. */
  public static final String TOKEN_COOKIE = "llm_gateway_admin_token";

  private static final Pattern EVENT_STREAMS =
      Pattern.compile("/admin/(models/events|activity/events|processes/[^/]+/logs|ollama/pulls/[^/]+/events)");

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
    if (matches(given, expected) || header == null && matches(cookieToken(ctx), expected)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    ErrorResponses.send(ctx.response(), new ApiError(401, "authentication_error", "invalid_admin_token",
        null, "admin endpoints need the header Authorization: Bearer <admin token>"));
  }

  private static boolean matches(String given, String expected) {
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }

  /** The token from the cookie, for a GET of an event stream only; null otherwise. */
  private static String cookieToken(RoutingContext ctx) {
    // The path the routes match (dot segments resolved), not the raw one.
    if (ctx.request().method() != HttpMethod.GET || !isEventStream(ctx.normalizedPath())) {
      return null;
    }
    Cookie cookie = ctx.request().getCookie(TOKEN_COOKIE);
    if (cookie == null) {
      return null;
    }
    try {
      return URLDecoder.decode(cookie.getValue(), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  /** Whether a path is one of the admin event streams (server-sent events). */
  public static boolean isEventStream(String path) {
    return path != null && EVENT_STREAMS.matcher(path).matches();
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
