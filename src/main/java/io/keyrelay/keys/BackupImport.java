package io.keyrelay.keys;

import java.util.List;

/** Many backup keys added at once, and what became of each. */
public final class BackupImport {
    private BackupImport() {
    }

    /** One key to add; {@code position} orders the report, {@code label} names the entry for people ("line 3"). */
    public record Candidate(int position, String label, String id, String apiKey, boolean enableFailover) {
        @Override
        public String toString() {
            return "Candidate[" + label + " id=" + id + " key=" + ApiKeys.mask(apiKey) + "]";
        }
    }

    public record Skipped(int position, String label, String id, String reason) {
    }

    public record Report(List<String> addedIds, List<Skipped> skipped) {
    }
}
