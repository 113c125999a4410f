package io.keyrelay.admin;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.util.Date;
import org.bson.Document;

/** Documents as the original system wrote them, without the fields KeyRelay added (e.g. {@code enableFailover}). */
final class LegacyDocuments {
    private LegacyDocuments() {
    }

    static void insertKey(AdminServer server, String id, String apiKey) {
        insert(server, "ohmygpt_keys", new Document("_id", id).append("apiKey", apiKey).append("status", "healthy")
                .append("tokensUsed", 0).append("requestsCount", 0).append("createdAt", new Date()));
    }

    static void insertBackup(AdminServer server, String id, String apiKey) {
        insertBackup(server, new Document("_id", id).append("apiKey", apiKey).append("isUsed", false)
                .append("createdAt", new Date()));
    }

    static void insertBackup(AdminServer server, Document document) {
        insert(server, "ohmygpt_backup_keys", document);
    }

    private static void insert(AdminServer server, String collection, Document document) {
        String uri = server.relay.services().storage().embedded().connectionString();
        try (MongoClient client = MongoClients.create(uri)) {
            client.getDatabase("keyrelay").getCollection(collection).insertOne(document);
        }
    }
}
