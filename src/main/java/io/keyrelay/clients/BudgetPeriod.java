package io.keyrelay.clients;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;

/** The period a client key's token budget covers: its whole life, or each day or month (UTC). */
public enum BudgetPeriod {
    TOTAL("total"), DAY("day"), MONTH("month");

    private final String wireName;

    BudgetPeriod(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<BudgetPeriod> fromWireName(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
    }

    /** When the period holding {@code now} began ({@link Instant#EPOCH} for the total). */
    public Instant start(Instant now) {
        return switch (this) {
            case TOTAL -> Instant.EPOCH;
            case DAY -> now.truncatedTo(ChronoUnit.DAYS);
            case MONTH -> LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        };
    }

    /** When the period that began at {@code start} ends and the budget is whole again; null for the total. */
    public Instant end(Instant start) {
        return switch (this) {
            case TOTAL -> null;
            case DAY -> start.plus(1, ChronoUnit.DAYS);
            case MONTH -> start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        };
    }
}
