package io.keyrelay.proxy;

import io.keyrelay.clients.Authentication;
import io.keyrelay.upstream.ErrorKind;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the client key's check decided, carried out: a refusal answered in the route's format, or the request
 * handed on once admitted. A key whose shared per-minute limit is being claimed from the database right now
 * ({@link Authentication.Pending}) has its request read as usual, and handed on once the claim is answered (a few
 * milliseconds) and a new check admits it, rather than refused while the minute still has room.
 */
final class Admission {
    /** Claims a request waits for before it is refused as over the limit. */
    static final int MAX_WAITS = 3;

    private final ProxyContext context;
    private final Function<HttpServerRequest, String> presentedKey;

    Admission(ProxyContext context, Function<HttpServerRequest, String> presentedKey) {
        this.context = context;
        this.presentedKey = presentedKey;
    }

    /** Answers {@code auth}'s refusal, if it is one; true when it was. Waiting ({@code Pending}) is not a refusal. */
    static boolean refuse(ClientRequest request, Authentication auth) {
        if (auth instanceof Authentication.Rejected r) {
            Responses.beforeBody(request, 401, ErrorKind.AUTHENTICATION, r.message());
        } else if (auth instanceof Authentication.Limited l) {
            Responses.clientLimit(request, l.retryAfter(), ErrorKind.RATE_LIMITED, l.message());
        } else if (auth instanceof Authentication.OverBudget b) {
            Responses.clientLimit(request, b.retryAfter(), ErrorKind.BUDGET_EXCEEDED, b.message());
        } else {
            return false;
        }
        return true;
    }

    /** Runs {@code go} with the request admitted: at once, or after waiting for its key's claim. */
    void then(ClientRequest request, Authentication auth, Consumer<ClientRequest> go) {
        then(request, auth, 0, go);
    }

    private void then(ClientRequest request, Authentication auth, int waits, Consumer<ClientRequest> go) {
        if (auth instanceof Authentication.Accepted) {
            go.accept(request.admitted() ? request : request.admittedNow());
            return;
        }
        if (auth instanceof Authentication.Pending p) {
            if (waits >= MAX_WAITS) {
                refuse(request, new Authentication.Limited(p.key(), Duration.ofSeconds(1), "Rate limit exceeded for this API key"));
                return;
            }
            HttpServerRequest req = request.http();
            p.ready().whenComplete((v, e) -> context.loop.runOnContext(x -> {
                if (!req.response().closed() && !req.response().ended()) {
                    then(request, context.clientKeys.authenticate(presentedKey.apply(req)), waits + 1, go);
                }
            }));
            return;
        }
        refuse(request, auth);
    }
}
