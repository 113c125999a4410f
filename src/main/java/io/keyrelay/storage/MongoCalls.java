package io.keyrelay.storage;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.MongoClientException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoExecutionTimeoutException;
import io.keyrelay.keys.DuplicateIdException;
import io.keyrelay.keys.StoreUnavailableException;
import java.util.function.Supplier;

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
}
