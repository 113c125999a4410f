package io.keyrelay.support;

import io.keyrelay.config.Config;
import io.keyrelay.storage.MongoStorage;
import java.nio.file.Path;
import java.util.Optional;

/** The real driver against the embedded server, in a temporary data directory. */
public final class TestStorage {
    private TestStorage() {
    }

    public static MongoStorage open(Path dataDir) {
        return MongoStorage.open(new Config.Storage(Optional.empty(), dataDir));
    }
}
