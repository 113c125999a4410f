package io.keyrelay.storage;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.MongoClientException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import io.keyrelay.keys.DuplicateIdException;
import io.keyrelay.keys.StoreUnavailableException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.bson.Document;

/** Runs a driver call and maps the driver's failures to the domain's: unreachable, or a duplicate id. */
final class MongoCalls {
    private MongoCalls() {
    }

    static <T> T call(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (MongoSocketException | MongoTimeoutException | MongoNotPrimaryException
                 | MongoNodeIsRecoveringException | MongoExecutionTimeoutException e) {
            throw new StoreUnavailableException("database unavailable while trying to " + what, e);
        } catch (MongoClientException e) {
            // e.g. the client was closed during shutdown
            throw new StoreUnavailableException("database client unavailable while trying to " + what, e);
        }
    }

    static void run(String what, Runnable work) {
        call(what, () -> {
            work.run();
            return null;
        });
    }

    /** Inserts, mapping a duplicate _id to {@link DuplicateIdException}. */
    static void insert(String id, Runnable work) {
        try {
            run("insert " + id, work);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw new DuplicateIdException(id);
            }
            throw e;
        }
    }

    /**
     * Inserts {@code documents} in one unordered write, so one taken {@code _id} does not stop the others; returns
     * the ids that were taken.
     */
    static Set<String> insertAll(String what, MongoCollection<Document> collection, List<Document> documents) {
        Set<String> taken = new HashSet<>();
        if (documents.isEmpty()) {
            return taken;
        }
        try {
            run(what, () -> collection.insertMany(documents, new InsertManyOptions().ordered(false)));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                taken.add(String.valueOf(documents.get(error.getIndex()).get("_id")));
            }
        }
        return taken;
    }
}
