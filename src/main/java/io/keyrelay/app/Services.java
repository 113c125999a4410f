package io.keyrelay.app;

import io.keyrelay.admin.AdminAuth;
import io.keyrelay.clients.ClientKeys;
import io.keyrelay.config.Config;
import io.keyrelay.keys.BackupKeyStore;
import io.keyrelay.keys.EventLog;
import io.keyrelay.keys.FailureClassifier;
import io.keyrelay.keys.KeyAdministration;
import io.keyrelay.keys.KeyLifecycle;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.KeyStore;
import io.keyrelay.keys.SerialStateWriter;
import io.keyrelay.keys.UsageLedger;
import io.keyrelay.ops.Operations;
import io.keyrelay.storage.MongoSettingsStore;
import io.keyrelay.storage.MongoStorage;
import java.time.Clock;

/** The process-wide, thread-safe parts that HTTP handlers call. Built once by {@link KeyRelay}. */
public record Services(
        Config config,
        Clock clock,
        MongoStorage storage,
        KeyPool pool,
        KeyStore keys,
        BackupKeyStore backupKeys,
        EventLog events,
        MongoSettingsStore settings,
        KeyLifecycle lifecycle,
        KeyAdministration administration,
        FailureClassifier classifier,
        UsageLedger keyUsage,
        ClientKeys clientKeys,
        SerialStateWriter writer,
        AdminAuth adminAuth,
        Operations operations) {
}
