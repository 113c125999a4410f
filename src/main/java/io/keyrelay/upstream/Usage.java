package io.keyrelay.upstream;

/** Tokens one answer used: input and output, and cache reads and writes (Anthropic) where reported. */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public long total() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }
}
