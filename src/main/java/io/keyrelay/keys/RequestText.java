package io.keyrelay.keys;

/**
 * What a client sent upstream, asked only whether it holds a word: an upstream error that repeats the word may be
 * quoting the request, so the word says nothing about the key (SPEC §3).
 */
@FunctionalInterface
public interface RequestText {
    /** No request known: nothing can be an echo. */
    RequestText NONE = word -> false;

    /** Whether {@code word} (lower case) occurs in what the client sent, in any letter case. */
    boolean mentions(String word);
}
