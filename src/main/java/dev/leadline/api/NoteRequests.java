package dev.leadline.api;

import java.util.Map;
import java.util.Set;

import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;
import org.apache.camel.Body;

/** Manual notes: POST /api/leads/{id}/notes and DELETE /api/leads/{id}/notes/{noteId}. */
public final class NoteRequests {

    static final Set<String> FIELDS = Set.of("content", "author");

    private final int maxContentChars;

    public NoteRequests(int maxContentChars) {
        this.maxContentChars = maxContentChars;
    }

    public Map<String, Object> manualNote(@Body Map<String, Object> request) {
        JsonRequests.onlyFields(request, FIELDS);
        String content = JsonRequests.text(request, "content", maxContentChars, true);
        String author = JsonRequests.text(request, "author", LeadUpdates.MAX_AUTHOR, false);
        return Map.of("content", content, "author", author == null ? "dashboard" : author);
    }

    public long noteId(String id) {
        return JsonRequests.id(id, "note id");
    }

    /** No row: not this lead's note (404); not deleted: a system note, which stays (403). */
    public void requireDeleted(@Body Map<String, Object> result) {
        if (result == null) {
            throw ApiException.notFound("no such note");
        }
        if (!Boolean.TRUE.equals(result.get("deleted"))) {
            throw new ApiException(403, "forbidden", "only manual notes can be deleted; this is a "
                    + result.get("kind") + " note, which the system keeps");
        }
    }
}
