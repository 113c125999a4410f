package io.keyrelay.insight;

import java.util.Arrays;
import java.util.Optional;

/** What usage over time is counted by, with the name the admin API uses for it. */
public enum UsageDimension {
    KEY("key"), CLIENT_KEY("clientKey"), MODEL("model");

    private final String apiName;

    UsageDimension(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static Optional<UsageDimension> fromApiName(String name) {
        return Arrays.stream(values()).filter(d -> d.apiName.equals(name)).findFirst();
    }
}
