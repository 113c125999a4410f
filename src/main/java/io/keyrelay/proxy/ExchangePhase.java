package io.keyrelay.proxy;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where one client request stands on its way through the pool, and which step may follow which. A step not listed
 * is a bug, and {@link #check} throws on it.
 */
enum ExchangePhase {
    /** Choosing a key for the next attempt, or waiting for a rotation to deliver one. */
    WAITING_FOR_KEY,
    /** An attempt's request is out; its answer's head has not come. */
    AWAITING_HEAD,
    /** A non-2xx answer's body is being read, to judge it. */
    READING_REFUSAL,
    /** A 2xx answer is on its way to the client. */
    RELAYING,
    /** The client has its whole answer: the upstream's, or KeyRelay's own error. */
    FINISHED,
    /** The client left before its answer was over. */
    CLIENT_GONE;

    private Set<ExchangePhase> next;

    static {
        WAITING_FOR_KEY.next = EnumSet.of(WAITING_FOR_KEY, AWAITING_HEAD, FINISHED, CLIENT_GONE);
        AWAITING_HEAD.next = EnumSet.of(READING_REFUSAL, RELAYING, WAITING_FOR_KEY, FINISHED, CLIENT_GONE);
        READING_REFUSAL.next = EnumSet.of(WAITING_FOR_KEY, FINISHED, CLIENT_GONE);
        // a 2xx that breaks before its first byte reached the client leaves room for another key
        RELAYING.next = EnumSet.of(FINISHED, WAITING_FOR_KEY, CLIENT_GONE);
        FINISHED.next = EnumSet.noneOf(ExchangePhase.class);
        CLIENT_GONE.next = EnumSet.noneOf(ExchangePhase.class);
    }

    /** Whether the exchange is over: nothing more is sent to the client or the upstream. */
    boolean over() {
        return this == FINISHED || this == CLIENT_GONE;
    }

    /** {@code next}, when it may follow this phase. */
    ExchangePhase check(ExchangePhase next) {
        if (!this.next.contains(next)) {
            throw new IllegalStateException("an exchange cannot go from " + this + " to " + next);
        }
        return next;
    }
}
