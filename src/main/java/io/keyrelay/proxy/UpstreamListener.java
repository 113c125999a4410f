package io.keyrelay.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What happens to one {@link UpstreamCall}, in order, on the event loop that made it: {@link #onResponse} once,
 * then {@link #onContent} for each piece of the body but the last, then {@link #onEnd}; or {@link #onFailure} at any point
 * (before the response, or in the middle of its body). Nothing is reported after {@link UpstreamCall#abort()}.
 */
interface UpstreamListener {

    /** The response head (status and headers); informational 1xx heads are skipped. */
    void onResponse(UpstreamCall call, HttpResponse head);

    /** A piece of the body as it arrived, not copied. The listener owns it and must release it. */
    void onContent(UpstreamCall call, ByteBuf content);

    /**
     * The body is complete. {@code last} is its final piece when that arrived with the end (a small answer is
     * usually all in it), owned by the listener like {@link #onContent}'s; null when there is none.
     */
    void onEnd(UpstreamCall call, ByteBuf last);

    /** The call failed: no connection, a broken or closed connection, or an answer that is not HTTP. */
    void onFailure(UpstreamCall call, Throwable cause);
}
