package io.keyrelay.admin;

import io.keyrelay.keys.KeyImport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The body of a bulk import of pool keys or backup keys, in either of two forms:
 * <ul>
 *   <li>{@code application/json}: an array whose items are {@code {id, apiKey, enableFailover?}} objects or bare
 *       API-key strings;</li>
 *   <li>{@code text/plain}: one entry per line, {@code apiKey} or {@code id,apiKey}; blank lines and lines starting
 *       with {@code #} are ignored.</li>
 * </ul>
 * Entries without an id get the target's prefix ({@code k-} or {@code bk-}) and 12 hex digits of the key's SHA-256
 * (so importing a key twice is seen as a duplicate); entries without {@code enableFailover} take the
 * {@code ?enableFailover=} query parameter (default false). A malformed body is a 400; an invalid entry is only
 * skipped, with the reason.
 */
record ImportInput(KeyImport.Target target, List<KeyImport.Candidate> candidates, List<KeyImport.Skipped> rejected) {
    static final int MAX_ENTRIES = 5000;

    static ImportInput read(RoutingContext ctx, KeyImport.Target target) {
        Input query = Input.query(ctx, "enableFailover");
        boolean defaultFailover = query.optionalBool("enableFailover").orElse(false);
        query.check();
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw invalid("Expected a JSON array of entries or text/plain lines of keys");
        }
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        boolean text = type != null && type.toLowerCase(Locale.ROOT).startsWith("text/plain");
        ImportInput input = new ImportInput(target, new ArrayList<>(), new ArrayList<>());
        if (text) {
            input.readLines(body.toString(StandardCharsets.UTF_8), defaultFailover);
        } else if (StrictJson.parse(body) instanceof JsonArray array) {
            input.readArray(array, defaultFailover);
        } else {
            throw invalid("Expected a JSON array of entries (or send text/plain lines of keys)");
        }
        int entries = input.candidates.size() + input.rejected.size();
        if (entries == 0) {
            throw invalid("Nothing to import");
        }
        if (entries > MAX_ENTRIES) {
            throw invalid("At most " + MAX_ENTRIES + " entries per import");
        }
        return input;
    }

    private void readArray(JsonArray array, boolean defaultFailover) {
        for (int i = 0; i < array.size(); i++) {
            String label = "[" + i + "]";
            Object item = array.getValue(i);
            List<Issue> issues = new ArrayList<>();
            if (item instanceof String apiKey) {
                Input in = Input.object(new JsonObject().put("apiKey", apiKey), label, issues, "apiKey");
                add(i, label, null, in.apiKey("apiKey"), defaultFailover, issues);
            } else {
                Input in = Input.object(item, label, issues, "id", "apiKey", "enableFailover");
                String id = in.id("id");
                String apiKey = in.apiKey("apiKey");
                boolean failover = in.optionalBool("enableFailover").orElse(defaultFailover);
                add(i, label, id, apiKey, failover, issues);
            }
        }
    }

    private void readLines(String text, boolean defaultFailover) {
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String label = "line " + (i + 1);
            int comma = line.indexOf(',');
            JsonObject entry = new JsonObject()
                    .put("apiKey", comma < 0 ? line : line.substring(comma + 1).strip());
            if (comma >= 0) {
                entry.put("id", line.substring(0, comma).strip());
            }
            List<Issue> issues = new ArrayList<>();
            Input in = Input.object(entry, label, issues, "id", "apiKey");
            String id = comma < 0 ? null : in.id("id");
            add(i, label, id, in.apiKey("apiKey"), defaultFailover, issues);
        }
    }

    private void add(int position, String label, String id, String apiKey, boolean failover, List<Issue> issues) {
        if (!issues.isEmpty()) {
            String reason = issues.stream().map(is -> is.path().substring(label.length()).replaceFirst("^\\.", "")
                    + ": " + is.message()).collect(Collectors.joining("; "));
            rejected.add(new KeyImport.Skipped(position, label, id, "invalid entry: " + reason.replaceFirst("^: ", "")));
            return;
        }
        candidates.add(new KeyImport.Candidate(position, label, id == null ? generatedId(target, apiKey) : id, apiKey,
                failover));
    }

    static String generatedId(KeyImport.Target target, String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return target.idPrefix() + HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InvalidInputException invalid(String message) {
        return new InvalidInputException(List.of(new Issue("", message)));
    }
}
