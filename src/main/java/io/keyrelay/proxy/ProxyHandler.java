package io.keyrelay.proxy;

import io.keyrelay.app.Services;
import io.keyrelay.clients.Authentication;
import io.keyrelay.upstream.Dialect;
import io.keyrelay.upstream.ErrorKind;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The client-facing proxy routes: {@code POST /v1/messages} (Anthropic) and {@code POST /v1/chat/completions},
 * {@code POST /chat/completions} (OpenAI). Checks the client key, reads and validates the body, then hands the
 * request to a {@link ProxyExchange}. Nothing invalid ever reaches the upstream.
 */
public final class ProxyHandler {
    private final ProxyContext context;

    public ProxyHandler(Vertx vertx, Services services) {
        this.context = new ProxyContext(vertx, services);
    }

    /** The dialect of a proxy route, or null when the request is not for the proxy. */
    public static Dialect route(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST) {
            return null;
        }
        return switch (req.path()) {
            case "/v1/messages" -> Dialect.ANTHROPIC;
            case "/v1/chat/completions", "/chat/completions" -> Dialect.OPENAI;
            default -> null;
        };
    }

    public void handle(HttpServerRequest req, Dialect dialect) {
        Authentication auth = context.services.clientKeys().authenticate(presentedKey(req));
        if (auth instanceof Authentication.Rejected r) {
            Responses.error(req.response(), dialect, ErrorKind.AUTHENTICATION, r.message());
            return;
        }
        if (auth instanceof Authentication.Limited l) {
            req.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, l.retryAfter().toSeconds())));
            Responses.error(req.response(), dialect, ErrorKind.RATE_LIMITED, "Rate limit exceeded for this API key");
            return;
        }
        String clientKeyId = ((Authentication.Accepted) auth).key().id();
        long declared = contentLength(req);
        if (declared > context.maxBodyBytes) {
            tooLarge(req, dialect);
            return;
        }
        Buffer body = Buffer.buffer((int) Math.max(256, Math.min(declared, 1 << 20)));
        boolean[] rejected = {false};
        req.handler(chunk -> {
            if (rejected[0]) {
                return;
            }
            if (body.length() + chunk.length() > context.maxBodyBytes) {
                rejected[0] = true;
                tooLarge(req, dialect);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!rejected[0]) {
                onBody(req, dialect, clientKeyId, body);
            }
        });
        req.exceptionHandler(err -> req.response().reset());
    }

    private void onBody(HttpServerRequest req, Dialect dialect, String clientKeyId, Buffer body) {
        JsonObject json;
        try {
            json = body.length() == 0 ? null : new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            json = null;
        }
        if (json == null) {
            Responses.error(req.response(), dialect, ErrorKind.INVALID_REQUEST,
                    "The request body must be a JSON object");
            return;
        }
        boolean stream = Boolean.TRUE.equals(json.getValue("stream"));
        new ProxyExchange(context, req, dialect, body, stream, clientKeyId).start();
    }

    private static void tooLarge(HttpServerRequest req, Dialect dialect) {
        req.response().putHeader(HttpHeaders.CONNECTION, "close");
        Responses.error(req.response(), dialect, ErrorKind.TOO_LARGE, "The request body is too large");
    }

    private static long contentLength(HttpServerRequest req) {
        String v = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String presentedKey(HttpServerRequest req) {
        String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        return req.getHeader("x-api-key");
    }
}
