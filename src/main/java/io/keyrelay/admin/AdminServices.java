package io.keyrelay.admin;

import io.keyrelay.clients.ClientKeys;
import io.keyrelay.insight.RequestLogStore;
import io.keyrelay.insight.UsageReport;
import io.keyrelay.keys.BackupKeyAdministration;
import io.keyrelay.keys.BackupKeyStore;
import io.keyrelay.keys.EventLog;
import io.keyrelay.keys.KeyAdministration;
import io.keyrelay.keys.KeyStore;
import io.keyrelay.keys.UsageLedger;
import io.keyrelay.keytest.KeyTester;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What the admin API needs from the rest of KeyRelay, all thread-safe.
 *
 * @param auth                who may call
 * @param keys                the pool keys as stored
 * @param backups             the backup pool as stored
 * @param backupAdministration operator changes to the backup pool, and the backup list as last read
 * @param administration      operator changes to pool keys (stored, and applied to this instance's pool at once)
 * @param keyUsage            usage counted here and not yet written, added to what the database says
 * @param clientKeys          the keys KeyRelay issues to its clients
 * @param events              the key state changes
 * @param usedBackupRetention how long a used backup key is kept (its {@code deletesAt})
 * @param recountBackups      re-evaluates the low-backup alert after an operator's change
 * @param alerts              the current alert state, as {@code GET /admin/alerts} answers it
 * @param requests            the request log
 * @param usage               usage over time
 * @param keyTester           tests an API key with one upstream request, changing nothing
 */
public record AdminServices(AdminAuth auth, KeyStore keys, BackupKeyStore backups,
                            BackupKeyAdministration backupAdministration, KeyAdministration administration,
                            UsageLedger keyUsage, ClientKeys clientKeys, EventLog events, Clock clock,
                            Duration usedBackupRetention, Runnable recountBackups, Supplier<JsonObject> alerts,
                            RequestLogStore requests, UsageReport usage, KeyTester keyTester) {
}
