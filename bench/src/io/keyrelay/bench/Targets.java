package io.keyrelay.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What each round measures, in order (direct, nginx, the floors, keyrelay, keyrelay-b), and where each target is
 * reached: a KeyRelay with its client key, the others at the fake upstream's own paths with an upstream key.
 */
final class Targets {
    private final Settings settings;
    private final Processes processes;
    private final List<KeyRelayUnderTest> relays;

    /** Where a target is reached. */
    record Endpoint(int port, String messages, String completions, String auth, String apiKey) {
        String base() {
            return "http://127.0.0.1:" + port;
        }

        String messagesUrl() {
            return base() + messages;
        }
    }

    Targets(Settings settings, Processes processes, List<KeyRelayUnderTest> relays) {
        this.settings = settings;
        this.processes = processes;
        this.relays = relays;
    }

    /** The targets of a round, in the order they are measured. */
    List<String> names() {
        List<String> targets = new ArrayList<>(List.of("direct"));
        if (processes.nginx() != null) {
            targets.add("nginx");
        }
        if (settings.floors) {
            for (Floor f : Floor.values()) {
                targets.add(f.target);
            }
        }
        relays.forEach(r -> targets.add(r.target));
        return targets;
    }

    /** The KeyRelay measured as {@code target}; null when the target is no KeyRelay. */
    KeyRelayUnderTest relay(String target) {
        return relays.stream().filter(r -> r.target.equals(target)).findFirst().orElse(null);
    }

    Endpoint endpoint(String target) {
        KeyRelayUnderTest relay = relay(target);
        if (relay != null) {
            return new Endpoint(relay.port, "/v1/messages", "/v1/chat/completions", relay.auth(), null);
        }
        Floor floor = Floor.of(target);
        int port = switch (target) {
            case "direct" -> settings.upstreamPort;
            case "nginx" -> settings.nginxPort;
            default -> {
                if (floor == null) {
                    throw new IllegalArgumentException("unknown target " + target);
                }
                yield settings.port(floor);
            }
        };
        return new Endpoint(port, "/primary/v1/messages", "/primary/v1/chat/completions", null, "sk-bench-direct");
    }
}
