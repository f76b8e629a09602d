package dev.leadline.intake;

import java.util.Map;
import java.util.Objects;

/**
 * Decides what happens to one authentic intake item: stored, ignored, or kept as a dead letter with
 * the reason. It fills in the workspace and the canonical phone for the SQL that follows.
 */
public final class IntakeTriage {

    /** Longer names are cut: a display name is not a place to store a document. */
    static final int MAX_NAME_LENGTH = 200;

    private final PhoneCanonicalizer phones;

    public IntakeTriage(PhoneCanonicalizer phones) {
        this.phones = phones;
    }

    public Map<String, Object> triage(Map<String, Object> item, Map<String, Object> workspace) {
        String action = (String) item.get(IntakeItem.ACTION);
        if (IntakeItem.IGNORE.equals(action)) {
            return item;
        }
        if (workspace == null) {
            return deadLetter(item, "unknown phone_number_id " + item.get(IntakeItem.PHONE_NUMBER_ID));
        }
        item.put(IntakeItem.WORKSPACE_ID, workspace.get("workspaceId"));
        Object itemNumber = item.get(IntakeItem.PHONE_NUMBER_ID);
        if (itemNumber != null && !Objects.equals(itemNumber, workspace.get("phoneNumberId"))) {
            // Signed with another workspace's secret: not authentic for this one.
            return deadLetter(item, "phone_number_id " + itemNumber + " differs from the delivery's");
        }
        if (IntakeItem.STORE_MESSAGE.equals(action) && item.get(IntakeItem.WAMID) == null) {
            return deadLetter(item, "message without an id");
        }
        if (IntakeItem.UPDATE_CONVERSATION.equals(action) && item.get(IntakeItem.CONVERSATION_ID) == null) {
            return deadLetter(item, "conversation event without a conversation id");
        }
        Object rawPhone = item.get(IntakeItem.RAW_PHONE);
        if (rawPhone == null) {
            return deadLetter(item, "no customer phone number");
        }
        String phone = phones.toE164(rawPhone.toString(), (String) workspace.get("defaultCountry"));
        if (phone == null) {
            return deadLetter(item, "invalid customer phone number");
        }
        item.put(IntakeItem.PHONE, phone);
        if (item.get(IntakeItem.CONTACT_NAME) instanceof String name && name.length() > MAX_NAME_LENGTH) {
            item.put(IntakeItem.CONTACT_NAME, name.substring(0, MAX_NAME_LENGTH));
        }
        return item;
    }

    private static Map<String, Object> deadLetter(Map<String, Object> item, String reason) {
        item.put(IntakeItem.ACTION, IntakeItem.DEAD_LETTER);
        item.put(IntakeItem.REASON, reason);
        return item;
    }
}
