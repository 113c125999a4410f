/** The key-pool domain: statuses, the failure classifier and policy, selection, MarkUsingFailover, MarkRateLimited, rotation and recovery. Pure Java with an injected Clock; persistence through the KeyStore, BackupKeyStore and EventLog ports. */
package io.keyrelay.keys;
