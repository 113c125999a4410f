package io.keyrelay.clients;

import java.util.List;
import java.util.Locale;

/**
 * The models a client key may use: glob patterns ({@code *} any run of characters, {@code ?} one), matched without
 * regard to case; none means every model. Matched without regular expressions, in time linear in the name times the
 * pattern at worst, so no pattern an operator types can stall a request.
 */
public record ModelPatterns(List<String> patterns) {
    public static final ModelPatterns ANY = new ModelPatterns(List.of());
    public static final int MAX_PATTERNS = 100;
    public static final int MAX_PATTERN_LENGTH = 200;

    public ModelPatterns {
        patterns = patterns.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
    }

    public boolean allowsAll() {
        return patterns.isEmpty();
    }

    /** Whether {@code model} (null: the request named none) may be used. */
    public boolean allows(String model) {
        if (patterns.isEmpty()) {
            return true;
        }
        if (model == null) {
            return false;
        }
        String name = model.toLowerCase(Locale.ROOT);
        for (String p : patterns) {
            if (matches(p, name)) {
                return true;
            }
        }
        return false;
    }

    /** Glob matching with backtracking to the last star only (the classic two-pointer algorithm). */
    static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int resume = 0;
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
