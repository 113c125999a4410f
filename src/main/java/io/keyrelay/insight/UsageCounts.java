package io.keyrelay.insight;

/** What one bucket counts: requests, the failed ones among them, and tokens. */
public record UsageCounts(long requests, long errors, long inputTokens, long outputTokens, long cacheReadTokens,
                          long cacheWriteTokens) {
    public static final UsageCounts ZERO = new UsageCounts(0, 0, 0, 0, 0, 0);

    public UsageCounts plus(UsageCounts o) {
        return new UsageCounts(requests + o.requests, errors + o.errors, inputTokens + o.inputTokens,
                outputTokens + o.outputTokens, cacheReadTokens + o.cacheReadTokens, cacheWriteTokens + o.cacheWriteTokens);
    }

    public long tokens() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }

    public boolean isZero() {
        return requests == 0 && errors == 0 && tokens() == 0;
    }
}
