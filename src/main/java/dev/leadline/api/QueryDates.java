package dev.leadline.api;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import dev.leadline.web.ApiException;

/**
 * The one home of the dates and instants a query may name: from 2000-01-01 to a year ahead, with a UTC
 * offset a real time zone has (-12:00 to +14:00). Java parses far more (year +999999999, offset +18:00),
 * which PostgreSQL cannot hold and which mean nothing for this data: refused with 400, never a 500.
 */
public final class QueryDates {

    /** The earliest day any query or manual summary run may name. */
    public static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
    static final ZoneOffset MIN_OFFSET = ZoneOffset.ofHours(-12);
    static final ZoneOffset MAX_OFFSET = ZoneOffset.ofHours(14);

    private static final Clock CLOCK = Clock.systemUTC();

    private QueryDates() {
    }

    /** The last day accepted: a year ahead, so that a client clock that runs ahead still works. */
    static LocalDate latest() {
        return LocalDate.now(CLOCK).plusYears(1);
    }

    /** A local date ("2026-11-24"), or null when none was given. */
    public static LocalDate date(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        LocalDate day;
        try {
            day = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a date like 2026-11-24");
        }
        requireInRange(name, day);
        return day;
    }

    /** An ISO date-time with an offset ("2026-11-25T10:00:00Z"), or a date (midnight UTC); in UTC. */
    public static OffsetDateTime instant(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        OffsetDateTime at;
        try {
            at = OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            try {
                at = LocalDate.parse(value).atStartOfDay().atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest(name + " must be an ISO-8601 date or date-time, e.g. 2026-11-25T10:00:00Z");
            }
        }
        int offsetSeconds = at.getOffset().getTotalSeconds();
        if (offsetSeconds > MAX_OFFSET.getTotalSeconds() || offsetSeconds < MIN_OFFSET.getTotalSeconds()) {
            throw ApiException.badRequest(name + " has a UTC offset outside " + MIN_OFFSET + " to " + MAX_OFFSET);
        }
        OffsetDateTime utc = at.withOffsetSameInstant(ZoneOffset.UTC);
        requireInRange(name, utc.toLocalDate());
        return utc;
    }

    /** Whether an instant (a cursor's position) lies in the accepted range. */
    static boolean inRange(OffsetDateTime at) {
        try {
            LocalDate day = at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
            return !day.isBefore(EARLIEST) && !day.isAfter(latest());
        } catch (DateTimeException e) {
            return false;
        }
    }

    private static void requireInRange(String name, LocalDate day) {
        if (day.isBefore(EARLIEST) || day.isAfter(latest())) {
            throw ApiException.badRequest(name + " must lie between " + EARLIEST + " and " + latest());
        }
    }
}
