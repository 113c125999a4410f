package io.keyrelay.app;

import io.keyrelay.admin.AdminAuth;
import io.keyrelay.admin.AdminServices;
import io.keyrelay.clients.ClientKeys;
import io.keyrelay.config.Config;
import io.keyrelay.insight.InsightWriter;
import io.keyrelay.insight.UsageOverTime;
import io.keyrelay.keys.BackupKeyStore;
import io.keyrelay.keys.EventLog;
import io.keyrelay.keys.KeyAdministration;
import io.keyrelay.keys.KeyLifecycle;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.KeyStore;
import io.keyrelay.keys.SerialStateWriter;
import io.keyrelay.ops.Operations;
import io.keyrelay.proxy.ProxyServices;
import io.keyrelay.storage.MongoStorage;
import java.time.Clock;

/**
 * The parts of one running KeyRelay, as {@link KeyRelay} assembled them: what the proxy and the admin API get
 * ({@link #proxy}, {@link #admin}), and what the process itself runs (storage, the state writer, operations), which
 * tests reach through {@link KeyRelay#services()}. Only the app package sees it whole.
 */
public record Services(
        Config config,
        Clock clock,
        MongoStorage storage,
        KeyPool pool,
        KeyStore keys,
        BackupKeyStore backupKeys,
        EventLog events,
        KeyLifecycle lifecycle,
        KeyAdministration administration,
        ClientKeys clientKeys,
        SerialStateWriter writer,
        AdminAuth adminAuth,
        Operations operations,
        ProxyServices proxy,
        AdminServices admin,
        UsageOverTime usageOverTime,
        InsightWriter insightWriter) {
}
