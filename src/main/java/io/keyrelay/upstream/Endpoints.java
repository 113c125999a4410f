package io.keyrelay.upstream;

import io.keyrelay.config.Config;

/** The upstream endpoints, primary and failover: the messages and completions URLs, and the base URLs. */
public record Endpoints(Endpoint primaryMessages, Endpoint primaryCompletions, Endpoint primaryBase,
                        Endpoint failoverMessages, Endpoint failoverCompletions, Endpoint failoverBase) {

    public static Endpoints from(Config.Upstream c) {
        return new Endpoints(Endpoint.of(c.primaryMessages(), false), Endpoint.of(c.primaryCompletions(), false),
                Endpoint.base(c.primaryBase(), false), Endpoint.of(c.failoverMessages(), true),
                Endpoint.of(c.failoverCompletions(), true), Endpoint.base(c.failoverBase(), true));
    }

    /** Keys marked using_failover go to the failover endpoints; every other key to the primary ones. */
    public Endpoint select(EndpointKind kind, boolean failover) {
        return switch (kind) {
            case MESSAGES -> failover ? failoverMessages : primaryMessages;
            case COMPLETIONS -> failover ? failoverCompletions : primaryCompletions;
            case BASE -> failover ? failoverBase : primaryBase;
        };
    }

    /** Whether any of them is HTTPS. */
    public boolean anyHttps() {
        return primaryMessages.ssl() || primaryCompletions.ssl() || primaryBase.ssl() || failoverMessages.ssl()
                || failoverCompletions.ssl() || failoverBase.ssl();
    }
}
