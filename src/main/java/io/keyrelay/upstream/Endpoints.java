package io.keyrelay.upstream;

import io.keyrelay.config.Config;

/** The four upstream endpoints: primary and failover, for each dialect. */
public record Endpoints(Endpoint primaryMessages, Endpoint primaryCompletions, Endpoint failoverMessages,
                        Endpoint failoverCompletions) {

    public static Endpoints from(Config.Upstream c) {
        return new Endpoints(Endpoint.of(c.primaryMessages(), false), Endpoint.of(c.primaryCompletions(), false),
                Endpoint.of(c.failoverMessages(), true), Endpoint.of(c.failoverCompletions(), true));
    }

    /** Keys marked using_failover go to the failover endpoints; every other key to the primary ones. */
    public Endpoint select(Dialect dialect, boolean failover) {
        if (dialect == Dialect.ANTHROPIC) {
            return failover ? failoverMessages : primaryMessages;
        }
        return failover ? failoverCompletions : primaryCompletions;
    }
}
