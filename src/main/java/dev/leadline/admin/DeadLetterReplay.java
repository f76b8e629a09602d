package dev.leadline.admin;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Objects;

import dev.leadline.web.ApiException;

/**
 * Guards a dead letter's replay: its event is stored only into the workspace whose secret verified the
 * delivery it came in, never into the workspace its (signed-by-someone-else) phone_number_id names.
 * A letter the fallback secret verified may go into the workspace of the business number it verified,
 * once that workspace exists: created after the letter was received, since the fallback secret only
 * vouches for numbers that no workspace owned at the time.
 */
public final class DeadLetterReplay {

    /**
     * @param deadLetter the letter, with verifiedBy, verifiedWorkspaceId, verifiedPhoneNumberId and receivedAt
     * @param workspace  the workspace its event names (null when none: the replay keeps it as a dead letter)
     */
    public void requireVerifiedFor(Map<String, Object> deadLetter, Map<String, Object> workspace) {
        if (workspace == null) {
            return;
        }
        Object verifiedBy = deadLetter.get("verifiedBy");
        Object target = workspace.get("phoneNumberId");
        if ("workspace".equals(verifiedBy)) {
            if (!Objects.equals(number(deadLetter.get("verifiedWorkspaceId")), number(workspace.get("workspaceId")))) {
                throw refused(deadLetter, "its delivery was signed with the secret of the workspace of phone_number_id "
                        + deadLetter.get("verifiedPhoneNumberId") + ", but its event names phone_number_id " + target);
            }
        } else if ("fallback".equals(verifiedBy)) {
            if (!Objects.equals(deadLetter.get("verifiedPhoneNumberId"), target)) {
                throw refused(deadLetter, "the fallback secret verified its delivery for phone_number_id "
                        + deadLetter.get("verifiedPhoneNumberId") + ", but its event names phone_number_id " + target);
            }
            Instant received = instant(deadLetter.get("receivedAt"));
            Instant created = instant(workspace.get("createdAt"));
            if (received == null || created == null || !created.isAfter(received)) {
                throw refused(deadLetter, "the fallback secret verified it, but the workspace of phone_number_id " + target
                        + " already existed when it was received, so only that workspace's own secret could vouch for it");
            }
        } else {
            throw refused(deadLetter, "it was kept before the verifying secret was recorded, and its phone_number_id "
                    + "differed from its delivery's: which workspace signed it is not known");
        }
    }

    private static ApiException refused(Map<String, Object> deadLetter, String why) {
        return new ApiException(409, "conflict", "dead letter " + deadLetter.get("id") + " is not replayed: " + why
                + ". A replay writes only into the workspace whose secret verified the delivery; nothing was stored");
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    private static Instant instant(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof Instant t) {
            return t;
        }
        return null;
    }
}
