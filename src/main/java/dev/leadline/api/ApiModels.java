package dev.leadline.api;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

// OpenAPI annotations of swagger-core, which camel-openapi-java builds the document with.
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The shapes of the REST API's bodies, for its OpenAPI document only (the routes build and read plain
 * maps). Referenced by name from the rest definitions in routes/ as responseModel and type.
 */
public final class ApiModels {

    private ApiModels() {
    }

    /** Every error: a machine-readable code and a sentence that says what is wrong. */
    public static class ErrorBody {
        public String error;
        public String detail;
    }

    /** 422 from PATCH /api/leads/{id}: the lead's status and where it may go. */
    public static class TransitionError extends ErrorBody {
        public String status;
        public List<String> allowed;
    }

    /** 409 from POST /api/summaries/run: the run of the same days that is still going on. */
    public static class RunConflictError extends ErrorBody {
        public Long runId;
    }

    /** 409 from PATCH /api/leads/{id}: the version to read and reapply against. */
    public static class ConflictError extends ErrorBody {
        public Long currentVersion;
    }

    /**
     * A lead is identified by its phone, its BSUID, or both (issue 11): at least one of the two is set.
     * Where there is no phone, a dashboard shows the username, or else the BSUID.
     */
    public static class LeadSummary {
        public long id;
        @Schema(nullable = true, example = "+6281234567890",
                description = "The customer's phone in E.164; null for a customer WhatsApp withholds it from (a username user): "
                        + "then bsuid is set. Show username, or bsuid, where there is none")
        public String phone;
        @Schema(nullable = true, example = "ID.1748302956183746",
                description = "The customer's business-scoped user id (BSUID) from WhatsApp, exactly as received (case-sensitive); "
                        + "null when only the phone is known")
        public String bsuid;
        @Schema(nullable = true, example = "ID.ENT.5820193746281937",
                description = "The parent BSUID, only for businesses Meta enrolled in parent BSUIDs; an attribute, never a key")
        public String parentBsuid;
        @Schema(nullable = true, example = "@dewi.lestari",
                description = "The customer's WhatsApp username as last received (display only; it may change); null when none")
        public String username;
        @Schema(nullable = true, description = "The contact's profile name as first received")
        public String name;
        public String status;
        public OffsetDateTime createdAt;
        public OffsetDateTime lastActivityAt;
    }

    public static class Lead extends LeadSummary {
        public int version;
        public long messagesIn;
        public long messagesOut;
    }

    public static class LeadPage {
        public List<LeadSummary> items;
        public String nextCursor;
    }

    public static class LeadPatch {
        public String status;
        public String name;
        public String author;
        public Integer version;
    }

    public static class Message {
        public long id;
        public String wamid;
        public String direction;
        public String type;
        public String text;
        /** The text was longer than intake.max-text-chars: this is its start. */
        public boolean textTruncated;
        public String mediaUrl;
        public OffsetDateTime sentAt;
        /** The sender's own timestamp when sentAt could not use it (in the future beyond the clock skew, or absurd). */
        public OffsetDateTime senderSentAt;
        public OffsetDateTime receivedAt;
        @Schema(allowableValues = {"sent", "delivered", "read", "failed"}, nullable = true,
                description = "The latest delivery status WhatsApp reported (it never moves backwards; failed is final); null when none came")
        public String status;
        /** When the status was reported. */
        public OffsetDateTime statusAt;
        /** A failed message: WhatsApp's error code and title. */
        public String errorCode;
        public String errorTitle;
        /** An edited message: text is the current text, previousText the one before the last edit. */
        public String previousText;
        public OffsetDateTime editedAt;
        /** The sender deleted the message: its text is kept for the record. */
        public OffsetDateTime deletedAt;
    }

    public static class MessagePage {
        public List<Message> items;
        public String nextCursor;
    }

    public static class Note {
        public long id;
        @Schema(allowableValues = {"daily_summary", "manual", "status_change", "merge", "identity_change"},
                description = "merge (another lead of the same customer was merged into this one) and identity_change "
                        + "(the customer's phone or BSUID changed) are system notes, added by system-identity")
        public String kind;
        public String content;
        public String addedBy;
        public OffsetDateTime addedAt;
        public LocalDate day;
        public String generator;
        public Integer promptTokens;
        public Integer completionTokens;
        public String statusFrom;
        public String statusTo;
        /** When the note last changed: a daily summary rewritten in place keeps its addedAt. */
        public OffsetDateTime updatedAt;
        /** A daily summary written before its day ended: a run after the day rewrites it. */
        public Boolean partial;
    }

    public static class NotePage {
        public List<Note> items;
        public String nextCursor;
    }

    public static class NewNote {
        public String content;
        public String author;
    }

    public static class SummaryRun {
        public long id;
        public long workspaceId;
        public String trigger;
        public LocalDate firstDay;
        public LocalDate lastDay;
        public Long leadId;
        public boolean forced;
        public String status;
        public String error;
        public int leadsConsidered;
        public int notesWritten;
        /** Of notesWritten, the notes rewritten in place because their lead-day had grown (or was forced). */
        public int notesRewritten;
        public int skipped;
        public int failed;
        public long promptTokens;
        public long completionTokens;
        public OffsetDateTime startedAt;
        public OffsetDateTime finishedAt;
    }

    /** POST /api/summaries/run as a JSON body: the query string's parameters, every one optional. */
    public static class SummaryRunRequest {
        public String date;
        public Long leadId;
        public Boolean force;
    }

    public static class Workspace {
        public long id;
        public String name;
        public String phoneNumberId;
        public String defaultCountry;
        public String timeZone;
        public OffsetDateTime createdAt;
        public Long activeTokens;
        /** Whether a Kapso API key is set for catch-up (the key itself is never answered). */
        public Boolean kapsoKeySet;
    }

    /** A catch-up of one workspace from Kapso's message history (POST /api/admin/workspaces/{id}/catch-up). */
    public static class CatchUpRun {
        public long runId;
        public long workspaceId;
        public String trigger;
        public OffsetDateTime since;
        public OffsetDateTime until;
        public int pages;
        public int seen;
        public int stored;
        public int duplicates;
        public String status;
        public String error;
        public OffsetDateTime startedAt;
        public OffsetDateTime finishedAt;
    }

    public static class WorkspaceList {
        public List<Workspace> items;
        public String nextCursor;
    }

    public static class NewWorkspace {
        public String name;
        public String phoneNumberId;
        public String defaultCountry;
        public String timeZone;
        public String webhookSecret;
    }

    public static class WorkspacePatch {
        public String name;
        public String defaultCountry;
        public String timeZone;
        public String webhookSecret;
    }

    public static class WorkspaceWithToken extends Workspace {
        public String apiToken;
        public String apiTokenNote;
    }

    public static class TokenRequest {
        public Boolean revokeExisting;
    }

    public static class IssuedToken {
        public long workspaceId;
        public OffsetDateTime createdAt;
        public long revoked;
        public String apiToken;
        public String apiTokenNote;
    }

    public static class DeadLetter {
        public long id;
        public String source;
        public String event;
        @Schema(description = "Why it was kept; a replay that keeps it again brings this up to date")
        public String reason;
        public String phoneNumberId;
        public String idempotencyKey;
        public String payload;
        public OffsetDateTime receivedAt;
        @Schema(nullable = true, description = "When a replay last took its event out of the dead letters (stored, or found "
                + "stored already); null while it is still dead, also after a replay that kept it again")
        public OffsetDateTime replayedAt;
        /** Which secret verified the delivery: workspace or fallback; a replay writes only into that workspace. */
        public String verifiedBy;
        /** The business number whose secret (or, for fallback, for which the fallback secret) verified it. */
        public String verifiedPhoneNumberId;
    }

    public static class DeadLetterPage {
        public List<DeadLetter> items;
        public String nextCursor;
    }

    /** POST /api/admin/dead-letters/replay. */
    public static class BulkReplayRequest {
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "no customer phone number",
                description = "The dead letters' reason, exactly (GET /api/admin/dead-letters shows it)")
        public String reason;
        @Schema(nullable = true, minimum = "1", description = "Replay at most this many letters (the oldest first); none: all")
        public Integer limit;
    }

    /** What a bulk replay did: matched = replayed + stillDeadLettered + refused + failed. */
    public static class BulkReplayCounts {
        public String reason;
        @Schema(description = "Dead letters with exactly this reason, kept before the request, that no replay had taken out "
                + "of the dead letters yet (at most limit), replayed oldest first")
        public int matched;
        @Schema(description = "Of those, letters whose event the intake took this time (stored, found stored already, or "
                + "otherwise handled): each is now marked replayedAt and is not matched again")
        public int replayed;
        @Schema(description = "Letters the intake kept as dead letters again: their reason now says why (it may differ, e.g. "
                + "no customer phone number or BSUID), and they stay unreplayed")
        public int stillDeadLettered;
        @Schema(description = "Letters refused as a single replay refuses them (409: another workspace's secret verified the "
                + "delivery): nothing stored, still unreplayed")
        public int refused;
        @Schema(description = "Letters whose replay failed otherwise (an unreadable payload, the database): logged, still "
                + "unreplayed, for a later replay")
        public int failed;
        @Schema(description = "limit was given and that many letters were matched: more may be left")
        public boolean limitReached;
        @Schema(description = "The replays' intake counts summed, as each single replay answers them (stored, duplicates, ...)")
        public IntakeCounts intake;
        @Schema(description = "The refused and failed letters, the first 100, each with the error a single replay would answer")
        public List<BulkReplayProblem> problems;
    }

    public static class BulkReplayProblem {
        public long deadLetterId;
        public int status;
        public String error;
        public String detail;
    }

    /** What an intake (or a replay) did with each event. */
    public static class IntakeCounts {
        public int stored;
        public int duplicates;
        public int conversationsUpdated;
        public int ignored;
        public int deadLettered;
        /** Sender's test deliveries (Kapso "test": true): acknowledged, nothing stored. */
        public int test;
    }
}
