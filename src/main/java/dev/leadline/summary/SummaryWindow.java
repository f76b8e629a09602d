package dev.leadline.summary;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

import dev.leadline.api.QueryDates;
import dev.leadline.web.ApiException;

/**
 * Which local calendar days a run covers, and the instants that bound them in the workspace's time
 * zone: a day is midnight to midnight local time, not a rolling 24 hours.
 */
public final class SummaryWindow {

    private final int lookBackDays;
    private final Clock clock;

    public SummaryWindow(int lookBackDays, Clock clock) {
        this.lookBackDays = lookBackDays;
        this.clock = clock;
    }

    /** The scheduled window: every complete local day of the look-back, up to yesterday. */
    public Map<String, Object> lookBack(String timeZone) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneId.of(timeZone)));
        return window(timeZone, today.minusDays(lookBackDays), today.minusDays(1));
    }

    /**
     * A manual run: the given local date (default yesterday), from {@link QueryDates#EARLIEST} to today; today runs
     * too, on the day so far (its notes are partial).
     */
    public Map<String, Object> forDate(String timeZone, String date) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneId.of(timeZone)));
        if (date == null || date.isBlank()) {
            return window(timeZone, today.minusDays(1), today.minusDays(1));
        }
        LocalDate day;
        try {
            day = LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("date must be a local date like 2026-11-24");
        }
        // Java parses years far outside what PostgreSQL's date holds (-4713 is stored as -infinity)
        // and far outside any data this service has.
        if (day.isBefore(QueryDates.EARLIEST)) {
            throw ApiException.badRequest("date must lie between " + QueryDates.EARLIEST + " and today (" + today + " in " + timeZone + ")");
        }
        if (day.isAfter(today)) {
            throw ApiException.badRequest("date " + date + " is in the future in " + timeZone);
        }
        return window(timeZone, day, day);
    }

    private static Map<String, Object> window(String timeZone, LocalDate first, LocalDate last) {
        ZoneId zone = ZoneId.of(timeZone);
        Map<String, Object> window = new HashMap<>();
        window.put("firstDay", first);
        window.put("lastDay", last);
        window.put("windowStart", first.atStartOfDay(zone).toOffsetDateTime());
        window.put("windowEnd", last.plusDays(1).atStartOfDay(zone).toOffsetDateTime());
        return window;
    }
}
