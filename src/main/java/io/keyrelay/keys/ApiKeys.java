package io.keyrelay.keys;

/** The one way an API key (upstream or client) is shown anywhere: first 8 and last 4 characters. */
public final class ApiKeys {
    private ApiKeys() {
    }

    public static String mask(String key) {
        if (key == null || key.isEmpty()) {
            return "";
        }
        if (key.length() <= 12) {
            // too short to show 8 + 4 without revealing it all
            return key.substring(0, Math.min(2, key.length())) + "…";
        }
        return key.substring(0, 8) + "…" + key.substring(key.length() - 4);
    }
}
