package dev.leadline.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import dev.leadline.web.ApiException;

/**
 * A keyset position: the sort timestamp and id of the last item of a page, opaque to the client
 * (base64url of "epochMicros.id"). The next page is everything strictly after it in (time, id) order.
 */
public record Cursor(OffsetDateTime at, long id) {

    public String encode() {
        Instant instant = at.toInstant();
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, instant);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + "." + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** @return the cursor, or null when none was given */
    public static Cursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int dot = plain.indexOf('.');
            long micros = Long.parseLong(plain.substring(0, dot));
            long id = Long.parseLong(plain.substring(dot + 1));
            OffsetDateTime at = Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
            // A forged position past what PostgreSQL holds would fail in the query.
            if (QueryDates.inRange(at)) {
                return new Cursor(at, id);
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw ApiException.badRequest("cursor is not one this API issued");
    }
}
