package io.keyrelay.storage;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import org.bson.Document;

/**
 * The indexes KeyRelay's queries need on a real MongoDB, created at start (idempotently): rotation looks keys up by
 * API key and by the key they replaced, claims take the oldest unused backup, a dead peer's rotations are found by holder,
 * events and logged requests are read newest first (logged requests also by client key, pool key, status and model),
 * old logged requests and usage buckets are pruned by time.
 * Not created on the embedded server, which has no secondary indexes; its collections are small.
 */
final class Indexes {
    private Indexes() {
    }

    static void ensure(MongoDatabase db) {
        MongoCalls.run("create indexes", () -> {
            var keys = db.getCollection("ohmygpt_keys");
            keys.createIndex(new Document("apiKey", 1), new IndexOptions().name("apiKey"));
            keys.createIndex(new Document("replacedKey", 1), new IndexOptions().name("replacedKey").sparse(true));
            keys.createIndex(new Document("rotation.startedAt", 1), new IndexOptions().name("rotation").sparse(true));
            keys.createIndex(new Document("rotation.instance", 1), new IndexOptions().name("rotationHolder").sparse(true));
            var backups = db.getCollection("ohmygpt_backup_keys");
            backups.createIndex(new Document("isUsed", 1).append("createdAt", 1).append("_id", 1),
                    new IndexOptions().name("claimOrder"));
            backups.createIndex(new Document("usedFor", 1), new IndexOptions().name("usedFor").sparse(true));
            var events = db.getCollection("keyrelay_events");
            events.createIndex(new Document("at", -1), new IndexOptions().name("newestFirst"));
            events.createIndex(new Document("keyId", 1).append("at", -1), new IndexOptions().name("byKey"));
            var requests = db.getCollection("keyrelay_requests");
            requests.createIndex(new Document("at", -1).append("_id", -1), new IndexOptions().name("newestFirst"));
            for (String field : new String[] {"clientKeyId", "attempts.keyId", "status", "model"}) {
                requests.createIndex(new Document(field, 1).append("at", -1).append("_id", -1), new IndexOptions().name(field));
            }
            db.getCollection("keyrelay_usage").createIndex(new Document("at", 1), new IndexOptions().name("age"));
            db.getCollection("keyrelay_client_keys").createIndex(new Document("keyHash", 1), new IndexOptions().name("keyHash"));
        });
    }
}
