package dev.leadline.api;

import java.util.Map;
import java.util.Set;

import dev.leadline.web.JsonRequests;

/** Manual notes: POST /api/leads/{id}/notes and DELETE /api/leads/{id}/notes/{noteId}. */
public final class NoteRequests {

    static final Set<String> FIELDS = Set.of("content", "author");

    private final int maxContentChars;

    public NoteRequests(int maxContentChars) {
        this.maxContentChars = maxContentChars;
    }

    /** The note to insert: 400 for an unknown field, no content, or a content or author too long. */
    public Map<String, Object> manualNote(Map<String, Object> request) {
        JsonRequests.onlyFields(request, FIELDS);
        String content = JsonRequests.text(request, "content", maxContentChars, true);
        String author = JsonRequests.text(request, "author", LeadUpdates.MAX_AUTHOR, false);
        return Map.of("content", content, "author", author == null ? "dashboard" : author);
    }

    public long noteId(String id) {
        return JsonRequests.id(id, "note id");
    }
}
