package dev.leadline.web;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpUtils;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server's edge, where every request and response passes whichever route serves it (or none):
 * <ul>
 *   <li>server options Camel does not expose: no cleartext HTTP/2 unless {@code http.h2c-enabled}, and the
 *       {@link ConnectionGuard} on every connection (idle and request-read deadlines, no Content-Length
 *       with Transfer-Encoding);</li>
 *   <li>response headers: only {@link #RESPONSE_HEADERS} leave the server, so no request header or query
 *       parameter (which Camel carries as message headers) is ever echoed back, on any route or error
 *       path; every response gets {@code X-Content-Type-Options: nosniff}, and {@code Cache-Control: no-store}
 *       except the web page's own (its route's Cache-Control and security headers, {@link #PAGE_HEADERS});</li>
 *   <li>gzip when the client asks for it, if {@code http.compression-enabled};</li>
 *   <li>HEAD is answered as GET without the body;</li>
 *   <li>a path whose percent-escapes can't be read ({@code /%zz}) gets the API's JSON 400 before the router
 *       sees it (which would log a stack trace each time), logged at DEBUG only;</li>
 *   <li>what no route answers gets the API's JSON error: 404 for an unknown path, 405 with the path's
 *       {@code Allow}, and the server's own refusals (413 above {@code webhook.max-body-bytes}, read as the
 *       body arrives, so an oversize body is never buffered).</li>
 * </ul>
 * Camel's Vert.x server takes no HttpServerOptions, so the Vert.x instance it looks up in the registry
 * (this class binds it) adjusts the options of each HTTP server it is asked to create.
 */
public final class HttpEdge implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEdge.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HANDLED = "leadline.edge";
    private static final String UNREADABLE_PATH =
            "{\"error\":\"bad_request\",\"detail\":\"the path is not percent-encoded properly: each % must be followed by two hex digits\"}";
    /** How long a refused request's remaining body is read and dropped before its connection is closed. */
    private static final long LINGER_MILLIS = 2000;

    /**
     * The only response headers the server sends (lower case). A route that needs another one adds it here;
     * everything else a route leaves in its message headers (the request's headers and query parameters
     * among them) is dropped.
     */
    static final Set<String> RESPONSE_HEADERS = Set.of(
            "content-type", "content-length", "transfer-encoding", "connection", "keep-alive", "date",
            "allow", "retry-after", "location", "etag", "www-authenticate", "vary",
            "cache-control", "x-content-type-options");

    /**
     * Headers only the web page's route may send (routes/web-page.camel.yaml, through {@link #keepPageHeaders}):
     * its own Cache-Control (else every response is no-store) and its security headers. Marked per response, so
     * a request header of the same name, left in some route's message headers, is never echoed.
     */
    static final Set<String> PAGE_HEADERS = Set.of("cache-control", "content-security-policy", "referrer-policy");

    private final long idleMillis;
    private final long readMillis;
    private final boolean h2cEnabled;
    private final long maxBodyBytes;
    private final boolean compression;
    /** The responses of the web page's route, whose {@link #PAGE_HEADERS} are kept (weak: a response gone is gone). */
    private final Set<HttpServerResponse> pageResponses = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private Vertx vertx;
    private volatile boolean installed;
    private volatile boolean stopping;

    /** @param compression gzip/deflate a response when the request's Accept-Encoding asks for it (http.compression-enabled) */
    public HttpEdge(int idleTimeoutSeconds, int requestReadTimeoutSeconds, boolean h2cEnabled, long maxBodyBytes,
                    boolean compression) {
        if (idleTimeoutSeconds < 1 || requestReadTimeoutSeconds < 1) {
            throw new IllegalArgumentException("http.idle-timeout-seconds and http.request-read-timeout-seconds must be at least 1");
        }
        this.idleMillis = idleTimeoutSeconds * 1000L;
        this.readMillis = requestReadTimeoutSeconds * 1000L;
        this.h2cEnabled = h2cEnabled;
        this.maxBodyBytes = maxBodyBytes;
        this.compression = compression;
    }

    /**
     * The Vert.x instance for Camel's HTTP servers (main and management), made once with the given options
     * (its worker pool runs every route); closed by {@link #close()}.
     */
    public synchronized Vertx vertx(VertxOptions vertxOptions) {
        if (vertx == null) {
            Vertx real = Vertx.vertx(vertxOptions);
            vertx = (Vertx) Proxy.newProxyInstance(HttpEdge.class.getClassLoader(), new Class<?>[] {VertxInternal.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("createHttpServer") && args != null && args.length == 1
                                && args[0] instanceof HttpServerOptions options) {
                            return createHttpServer(real, options);
                        }
                        return invoke(real, method, args);
                    });
        }
        return vertx;
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private HttpServer createHttpServer(Vertx real, HttpServerOptions requested) {
        HttpServerOptions options = new HttpServerOptions(requested).setHttp2ClearTextEnabled(h2cEnabled)
                .setCompressionSupported(compression);
        HttpServer server = real.createHttpServer(options);
        server.connectionHandler(connection -> guard(connection, options));
        // the router Camel hands the server is wrapped, so that a path it can't read never reaches it
        return (HttpServer) Proxy.newProxyInstance(HttpEdge.class.getClassLoader(), new Class<?>[] {HttpServer.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("requestHandler") && args != null && args.length == 1
                            && args[0] instanceof Handler<?> handler) {
                        @SuppressWarnings("unchecked")
                        Handler<HttpServerRequest> router = (Handler<HttpServerRequest>) handler;
                        server.requestHandler(request -> {
                            if (readablePath(request)) {
                                router.handle(request);
                            } else {
                                refuseUnreadablePath(real, request);
                            }
                        });
                        return proxy;
                    }
                    Object result = invoke(server, method, args);
                    return result == server ? proxy : result;
                });
    }

    /**
     * Whether the path's percent-escapes can be read. Vert.x's router reads them as it matches the routes
     * mounted on it, before any handler of ours runs; a bad one ({@code /%zz}) would fail there, logged as an
     * unhandled error with its stack trace and answered in plain text without the headers above.
     */
    private static boolean readablePath(HttpServerRequest request) {
        if (request.path() == null) {
            return true;
        }
        try {
            HttpUtils.normalizePath(request.path());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The client's mistake, which anyone can send as often as they like: the API's JSON 400 with the headers
     * every answer gets, logged at DEBUG only.
     */
    private static void refuseUnreadablePath(Vertx vertx, HttpServerRequest request) {
        LOG.debug("Refused {} with a path that is not percent-encoded properly", request.method());
        HttpServerResponse response = request.response();
        response.setStatusCode(400)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Connection", "close");
        response.end(UNREADABLE_PATH).onComplete(done -> lingerThenClose(vertx, request));
    }

    private void guard(HttpConnection connection, HttpServerOptions options) {
        if (connection instanceof ConnectionBase base) {
            ConnectionGuard.install(base.channel().pipeline(), options, idleMillis, readMillis);
        }
    }

    /**
     * The service is stopping: from now on every new request is refused with 503 and Retry-After (the
     * sender retries, on another instance or once this one is back), while those already in a route finish.
     */
    public void stopping() {
        stopping = true;
    }

    public void close() {
        Vertx v;
        synchronized (this) {
            v = vertx;
            vertx = null;
        }
        if (v != null) {
            v.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    // --- the router of the main server (not the management server) ----------------------------------

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        install(context);
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        install(context);
    }

    private synchronized void install(CamelContext context) {
        if (installed) {
            return;
        }
        VertxPlatformHttpRouter router = context.getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                .filter(VertxPlatformHttpRouter::isMainServer).findFirst().orElse(null);
        if (router == null) {
            return;
        }
        installed = true;
        router.route().order(Integer.MIN_VALUE).handler(this::onRequest);
        router.route().last().handler(ctx -> noRoute(ctx, context)).failureHandler(this::onFailure);
        LOG.info("HTTP edge installed on {}", router.getName());
    }

    private void onRequest(RoutingContext ctx) {
        if (ctx.request().method() == HttpMethod.HEAD) {
            // routed again as GET (this handler included); Vert.x leaves the body out of a HEAD's answer
            ctx.reroute(HttpMethod.GET, ctx.request().uri());
            return;
        }
        if (ctx.get(HANDLED) == null) {
            ctx.put(HANDLED, Boolean.TRUE);
            HttpServerResponse response = ctx.response();
            ctx.addHeadersEndHandler(v -> {
                // a page answer that turned into an error after all is answered like any other
                boolean page = pageResponses.remove(response) && response.getStatusCode() == 200;
                List<String> names = new ArrayList<>(response.headers().names());
                for (String name : names) {
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (!(page && PAGE_HEADERS.contains(lower)) && !RESPONSE_HEADERS.contains(lower)) {
                        response.headers().remove(name);
                    }
                }
                if (!page || !response.headers().contains("Cache-Control")) {
                    response.headers().set("Cache-Control", "no-store");
                }
                response.headers().set("X-Content-Type-Options", "nosniff");
            });
            if (stopping) {
                response.putHeader("Retry-After", "5");
                answer(ctx, 503, "unavailable", "the service is stopping; retry later", true);
                return;
            }
        }
        ctx.next();
    }

    /**
     * The web page's route answers this exchange: its Content-Security-Policy and Referrer-Policy headers are
     * sent as it set them (see {@link #PAGE_HEADERS}), with this Cache-Control instead of no-store (and
     * Vary: Accept-Encoding when compressing). Camel's HTTP header filter never writes a route's Cache-Control,
     * so it is set on the response here.
     */
    public void keepPageHeaders(Exchange exchange, String cacheControl) {
        if (exchange.getMessage() instanceof HttpMessage message) {
            message.getResponse().putHeader("Cache-Control", cacheControl);
            if (compression) {
                // a shared cache keeps the gzip and the plain answer of a long-cached file apart
                message.getResponse().putHeader("Vary", "Accept-Encoding");
            }
            pageResponses.add(message.getResponse());
        }
    }

    /**
     * Nothing matched: 405 with Allow when another method serves the path, else 404. A route that is not started
     * (one switched off by its setting, such as an example's) serves nothing, so its endpoint names no method.
     */
    private void noRoute(RoutingContext ctx, CamelContext context) {
        String path = ctx.normalizedPath();
        Set<Endpoint> idle = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Route route : context.getRoutes()) {
            ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
            if (status == null || !status.isStarted()) {
                idle.add(route.getEndpoint());
            }
        }
        Set<String> allowed = new TreeSet<>();
        for (Endpoint endpoint : context.getEndpoints()) {
            if (endpoint instanceof PlatformHttpEndpoint http && !idle.contains(endpoint) && http.getHttpMethodRestrict() != null
                    && template(http.getPath()).matcher(path).matches()) {
                for (String verb : http.getHttpMethodRestrict().split(",")) {
                    allowed.add(verb.trim().toUpperCase(Locale.ROOT));
                }
            }
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        if (allowed.isEmpty()) {
            answer(ctx, 404, "not_found", "no such resource: " + ctx.request().method() + " " + path, false);
            return;
        }
        ctx.response().putHeader("Allow", String.join(", ", allowed));
        answer(ctx, 405, "method_not_allowed", ctx.request().method() + " is not allowed here; allowed: "
                + String.join(", ", allowed), false);
    }

    /**
     * Closes the connection of a refused request whose body is still arriving. Closed at once, the unread
     * bytes would make the kernel reset the connection, and the client could lose the answer it has not
     * read yet; so what still arrives is read and dropped (never held) until the client stops sending,
     * for at most {@link #LINGER_MILLIS}, then the connection is closed.
     */
    private static void lingerThenClose(Vertx vertx, HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long timer = vertx.setTimer(LINGER_MILLIS, id -> connection.close());
        try {
            request.handler(dropped -> { });
            request.endHandler(end -> {
                vertx.cancelTimer(timer);
                connection.close();
            });
            request.resume();
        } catch (IllegalStateException alreadyRead) {
            vertx.cancelTimer(timer);
            connection.close();
        }
    }

    /** A platform-http path ({id} parameters, a trailing * for a prefix) as a pattern. */
    private static Pattern template(String uri) {
        StringBuilder regex = new StringBuilder();
        for (String part : uri.split("(?=\\{)|(?<=\\})")) {
            if (part.startsWith("{") && part.endsWith("}")) {
                regex.append("[^/]+");
            } else if (part.endsWith("*")) {
                regex.append(Pattern.quote(part.substring(0, part.length() - 1))).append(".*");
            } else {
                regex.append(Pattern.quote(part));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** The server's own refusals (the body limit above all) and anything a route failed without answering. */
    private void onFailure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (ctx.response().ended()) {
            return;
        }
        switch (status) {
            case 413 -> answer(ctx, 413, "payload_too_large", "the body is larger than the limit of " + maxBodyBytes
                    + " bytes (webhook.max-body-bytes)", true);
            case 400 -> answer(ctx, 400, "bad_request", "the request could not be read", true);
            case 408 -> answer(ctx, 408, "request_timeout", "the request was not received in time", true);
            default -> {
                if (status >= 400 && status < 500) {
                    answer(ctx, status, "bad_request", "the request was refused (" + status + ")", false);
                } else {
                    LOG.warn("{} {} failed outside the routes", ctx.request().method(), ctx.normalizedPath(), ctx.failure());
                    answer(ctx, 500, "internal_error", "unexpected failure; it has been logged", false);
                }
            }
        }
    }

    /**
     * Answers with the JSON error body. {@code close}: the request's body may still be arriving (refused
     * before it was read), so the connection is closed after the answer rather than reading the rest.
     */
    private void answer(RoutingContext ctx, int status, String error, String detail, boolean close) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            ctx.request().connection().close();
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json");
        if (close) {
            response.putHeader("Connection", "close");
            HttpServerRequest request = ctx.request();
            response.end(json).onComplete(done -> lingerThenClose(ctx.vertx(), request));
        } else {
            response.end(json);
        }
    }
}
