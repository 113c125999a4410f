package io.keyrelay.proxy;

import io.keyrelay.clients.ClientKeys;
import io.keyrelay.config.Config;
import io.keyrelay.edge.BodyBudget;
import io.keyrelay.insight.RequestLog;
import io.keyrelay.insight.UsageBuckets;
import io.keyrelay.keys.FailureClassifier;
import io.keyrelay.keys.KeyLifecycle;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.UsageLedger;
import java.time.Clock;

/**
 * What the proxy needs from the rest of KeyRelay, all thread-safe and shared by the event loops.
 *
 * @param upstream     where requests go and how long to wait
 * @param maxBodyBytes the largest request body accepted
 * @param bodyBudget   the bodies held at once, all event loops together
 * @param pool         the keys to pick from
 * @param lifecycle    what changes a key after an upstream answer
 * @param classifier   what an upstream answer means
 * @param keyUsage     usage counted per pool key
 * @param clientKeys   who may call, and their usage
 * @param observer     metrics
 * @param requestLog   where ended requests are queued for the log
 * @param usageBuckets usage over time
 */
public record ProxyServices(Config.Upstream upstream, long maxBodyBytes, BodyBudget bodyBudget, Clock clock, KeyPool pool,
                            KeyLifecycle lifecycle, FailureClassifier classifier, UsageLedger keyUsage,
                            ClientKeys clientKeys, ProxyObserver observer, RequestLog requestLog,
                            UsageBuckets usageBuckets) {
}
