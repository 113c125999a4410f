package io.keyrelay.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What part of a key list to answer ({@code ?search=&status=&limit=&offset=}, SPEC §5a): the keys whose id or masked
 * API key holds {@code search} (case-insensitively) and whose status is {@code status}, from {@code offset}, at most
 * {@code limit}. The search never looks at more of an API key than its mask shows: a search on the whole secret
 * would tell anyone who may list keys, one guessed character at a time, what the mask hides.
 *
 * @param paged whether any parameter was given: without one the list answers every key, as before
 */
record KeyListQuery(String search, String status, Integer limit, int offset, boolean paged) {
    static final int MAX_LIMIT = 500;
    static final int MAX_OFFSET = 1_000_000;
    static final int MAX_SEARCH = 100;

    /** One page of a list, and how many keys matched in all. */
    record Page<T>(List<T> items, int matching) {
    }

    /** Reads and checks the query; {@code statuses}: the values {@code status} may take. */
    static KeyListQuery read(RoutingContext ctx, List<String> statuses) {
        Input in = Input.query(ctx, "search", "status", "limit", "offset");
        String search = in.optionalText("search", 1, MAX_SEARCH).map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
        String status = in.optionalText("status", 1, 50).orElse(null);
        if (status != null && !statuses.contains(status)) {
            status = in.fail("status", "Must be one of " + String.join(", ", statuses));
        }
        Integer limit = in.optionalInt("limit", 1, MAX_LIMIT).orElse(null);
        int offset = in.intOr("offset", 0, 0, MAX_OFFSET);
        in.check();
        return new KeyListQuery(search, status, limit, offset, !ctx.queryParams().isEmpty());
    }

    /** The matching keys of {@code all} (in its order), from the offset, at most the limit. */
    <T> Page<T> page(List<T> all, Function<T, String> id, Function<T, String> maskedKey, Function<T, String> statusOf) {
        List<T> matching = all.stream()
                .filter(k -> status == null || status.equals(statusOf.apply(k)))
                .filter(k -> search == null || holds(id.apply(k)) || holds(maskedKey.apply(k)))
                .toList();
        int from = Math.min(offset, matching.size());
        int to = limit == null ? matching.size() : (int) Math.min((long) from + limit, matching.size());
        return new Page<>(matching.subList(from, to), matching.size());
    }

    /** The paging fields of a paged answer: how many matched (as {@code countField}), the offset and the limit. */
    JsonObject describe(Page<?> page, String countField) {
        return new JsonObject().put(countField, page.matching()).put("offset", offset).put("limit", limit);
    }

    private boolean holds(String text) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(search);
    }
}
