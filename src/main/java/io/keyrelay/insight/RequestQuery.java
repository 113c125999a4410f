package io.keyrelay.insight;

import java.time.Instant;

/**
 * A page of the request log, newest first: every filter is optional (null).
 *
 * @param keyId  requests with an attempt on this pool key
 * @param status an exact status ({@code 429}), or a class ({@code 4xx}); see {@link StatusFilter}
 * @param from   arrived at or after
 * @param to     arrived before
 * @param cursor the {@code nextCursor} of the page before
 */
public record RequestQuery(String clientKeyId, String keyId, StatusFilter status, String model, Instant from,
                           Instant to, RequestCursor cursor, int limit) {
}
