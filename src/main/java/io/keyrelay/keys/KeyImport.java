package io.keyrelay.keys;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Many keys added at once, to the key pool or the backup pool, and what became of each. */
public final class KeyImport {
    private KeyImport() {
    }

    /** Where an import adds its keys: how its ids are generated and how a clash is named. */
    public enum Target {
        KEY_POOL("k-", "a key", "key pool"),
        BACKUP_POOL("bk-", "a backup key", "backup pool");

        private final String idPrefix;
        private final String noun;
        private final String pool;

        Target(String idPrefix, String noun, String pool) {
            this.idPrefix = idPrefix;
            this.noun = noun;
            this.pool = pool;
        }

        /** How the ids KeyRelay makes up for entries without one start. */
        public String idPrefix() {
            return idPrefix;
        }

        String idTaken(String id) {
            return noun + " with id '" + id + "' already exists";
        }

        String holder(String id) {
            return pool + " as '" + id + "'";
        }
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

    /** The candidates to insert, and those skipped already. */
    record Plan(Target target, List<Candidate> accepted, List<Skipped> skipped) {
        /** The report once the accepted were written, {@code takenAtInsert} being ids another writer took meanwhile. */
        Report inserted(Set<String> takenAtInsert) {
            List<String> added = new ArrayList<>();
            List<Skipped> skippedAll = new ArrayList<>(skipped);
            for (Candidate c : accepted) {
                if (takenAtInsert.contains(c.id())) {
                    skippedAll.add(new Skipped(c.position(), c.label(), c.id(), target.idTaken(c.id())));
                } else {
                    added.add(c.id());
                }
            }
            return new Report(added, skippedAll);
        }
    }

    /**
     * Accepts each candidate that is new by id ({@code takenIds}, and the entries before it) and by API key
     * ({@code held}, and the entries before it); the others are skipped with the reason.
     */
    static Plan plan(Target target, List<Candidate> candidates, Set<String> takenIds, ApiKeyInventory held) {
        Set<String> ids = new HashSet<>(takenIds);
        List<Candidate> accepted = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Candidate c : candidates) {
            String reason = ids.contains(c.id()) ? target.idTaken(c.id())
                    : held.holderOf(c.apiKey()).map(where -> "this API key is already in the " + where).orElse(null);
            if (reason == null) {
                accepted.add(c);
                ids.add(c.id());
                held.hold(c.apiKey(), target.holder(c.id()));
            } else {
                skipped.add(new Skipped(c.position(), c.label(), c.id(), reason));
            }
        }
        return new Plan(target, accepted, skipped);
    }
}
