package io.keyrelay.transport;

/**
 * What happens to one {@link UpstreamCall}, in order, on the event loop that made it: {@link #onHead} once, then
 * {@link #onChunk} for each piece of the body but the last, then {@link #onEnd}; or {@link #onFailure} at any point
 * (before the head, or in the middle of the body). Nothing is reported after {@link UpstreamCall#abort()}.
 */
public interface UpstreamListener {

    /** The answer's status and headers; informational 1xx heads are skipped. */
    void onHead(UpstreamCall call, ResponseHead head);

    /** A piece of the body as it arrived, not copied. The listener owns it and must release it. */
    void onChunk(UpstreamCall call, Chunk chunk);

    /**
     * The body is complete. {@code last} is its final piece when that arrived with the end (a small answer is
     * usually all in it), owned by the listener like {@link #onChunk}'s; null when there is none.
     */
    void onEnd(UpstreamCall call, Chunk last);

    /** The call failed: no connection, a broken or closed connection, or an answer that is not HTTP. */
    void onFailure(UpstreamCall call, Throwable cause);
}
