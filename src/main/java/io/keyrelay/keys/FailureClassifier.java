package io.keyrelay.keys;

import java.util.List;
import java.util.Locale;

/**
 * The single place that turns an upstream answer into a {@link FailureClass}. Rules are checked in order;
 * an answer no rule knows changes nothing about the key. Keywords count only in what the upstream says about
 * itself: in its own codes, or in its text where the client's request does not hold them (SPEC §3), so that no
 * request can steer a key's fate by having its words echoed back.
 */
public final class FailureClassifier {
    private final List<String> quotaKeywords;
    private final List<String> blockKeywords;

    public FailureClassifier(List<String> quotaKeywords, List<String> blockKeywords) {
        this.quotaKeywords = lower(quotaKeywords);
        this.blockKeywords = lower(blockKeywords);
    }

    /**
     * @param status  the upstream HTTP status
     * @param report  what the error body says (may be empty); only read for 400 and 429
     * @param request what the client sent, to tell the upstream's words from its echo of the request
     */
    public FailureClass classify(int status, ErrorReport report, RequestText request) {
        if (status >= 200 && status < 300) {
            return FailureClass.SUCCESS;
        }
        // OhMyGPT answers 402 when the key's balance is spent.
        if (status == 402) {
            return FailureClass.QUOTA;
        }
        // OhMyGPT (and some relays in front of it) answer 400 with "ExceededBudget"/"budget_exceeded" for a spent budget.
        if (status == 400 && says(report, request, quotaKeywords)) {
            return FailureClass.QUOTA;
        }
        // A 429 that names a ban is not a rate limit: waiting will not help.
        if (status == 429 && says(report, request, blockKeywords)) {
            return FailureClass.PERMANENT_BLOCK;
        }
        // Plain 429: per-key request or token rate limit.
        if (status == 429) {
            return FailureClass.RATE_LIMIT;
        }
        // Invalid, revoked or unauthorised key.
        if (status == 401 || status == 403) {
            return FailureClass.CREDENTIAL;
        }
        // Any other 4xx is about the request (bad model name, prompt too long, …): passed to the client.
        if (status >= 400 && status < 500) {
            return FailureClass.CLIENT_ERROR;
        }
        // 5xx and anything unexpected: the upstream had trouble; try elsewhere.
        return FailureClass.TRANSIENT;
    }

    /** A keyword in the upstream's own codes, or in its text when the request does not hold it. */
    private static boolean says(ErrorReport report, RequestText request, List<String> keywords) {
        for (String k : keywords) {
            if (report.codes().contains(k) || report.text().contains(k) && !request.mentions(k)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> lower(List<String> words) {
        return words.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
    }
}
