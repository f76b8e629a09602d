package dev.leadline.api;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

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

    public static class LeadSummary {
        public long id;
        public String phone;
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
    }

    public static class MessagePage {
        public List<Message> items;
        public String nextCursor;
    }

    public static class Note {
        public long id;
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
        public String reason;
        public String phoneNumberId;
        public String idempotencyKey;
        public String payload;
        public OffsetDateTime receivedAt;
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

    /** What an intake (or a replay) did with each event. */
    public static class IntakeCounts {
        public int stored;
        public int duplicates;
        public int conversationsUpdated;
        public int ignored;
        public int deadLettered;
    }
}
