package dev.leadline.intake;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys of an intake item: one event (a message, a conversation change or an identity change) read from a webhook delivery,
 * as a map so that the YAML routes and the SQL files can address its fields by name.
 */
public final class IntakeItem {

    public static final String SOURCE = "source";
    /** How the message reached us: "webhook", or "catch-up" when read back from Kapso's history (message.source). */
    public static final String ARRIVAL = "arrival";
    public static final String EVENT = "event";
    public static final String ACTION = "action";
    public static final String REASON = "reason";
    public static final String PHONE_NUMBER_ID = "phoneNumberId";
    public static final String WORKSPACE_ID = "workspaceId";
    public static final String RAW_PHONE = "rawPhone";
    public static final String PHONE = "phone";
    /** True when the raw phone has a letter (any script), which no phone number has (IntakeTriage.normalise). */
    public static final String PHONE_HAS_LETTERS = "phoneHasLetters";
    /**
     * True when a Kapso item's raw phone is a WhatsApp id (message.from / to, contact.wa_id): international
     * digits WhatsApp verified. A Meta item's phones always are; absent otherwise (a phone as Kapso keeps it).
     */
    public static final String PHONE_IS_WHATSAPP_ID = "phoneIsWhatsAppId";
    /**
     * A Kapso item's WhatsApp id (message.from / to) beside a phone as Kapso keeps it: the lead's phone when
     * the kept one is not a usable number (WhatsApp verified it; only an item with no identity at all is a dead letter).
     */
    public static final String RAW_WHATSAPP_ID = "rawWhatsAppId";
    /** The business-scoped user id, exactly as received (WHATSAPP_IDENTITIES.md §1), or null. */
    public static final String BSUID = "bsuid";
    public static final String PARENT_BSUID = "parentBsuid";
    public static final String USERNAME = "username";
    /** An identity change's identities before it (the phone raw, then canonical), and the timeline note it writes. */
    public static final String PREVIOUS_BSUID = "previousBsuid";
    public static final String PREVIOUS_PARENT_BSUID = "previousParentBsuid";
    public static final String RAW_PREVIOUS_PHONE = "rawPreviousPhone";
    public static final String PREVIOUS_PHONE = "previousPhone";
    public static final String IDENTITY_NOTE = "identityNote";
    /** What announced an identity change (Meta's system.type, user_id_update, Kapso's event), for its note. */
    public static final String IDENTITY_ORIGIN = "identityOrigin";
    public static final String CONTACT_NAME = "contactName";
    /** A group chat's id (Meta messages[].group_id): such a message makes no lead. */
    public static final String GROUP_ID = "groupId";
    public static final String CONVERSATION_ID = "conversationId";
    public static final String CONVERSATION_STATUS = "conversationStatus";
    public static final String WAMID = "wamid";
    public static final String DIRECTION = "direction";
    public static final String TYPE = "type";
    public static final String TEXT = "text";
    public static final String MEDIA_URL = "mediaUrl";
    public static final String SENT_AT = "sentAt";
    public static final String PAYLOAD = "payload";
    public static final String DEDUP_KEY = "dedupKey";
    public static final String TEXT_TRUNCATED = "textTruncated";
    public static final String SENDER_SENT_AT = "senderSentAt";
    /** Which secret verified the delivery: "workspace" (with its id) or "fallback" (with the number it verified). */
    public static final String VERIFIED_BY = "verifiedBy";
    public static final String VERIFIED_WORKSPACE_ID = "verifiedWorkspaceId";
    public static final String VERIFIED_PHONE_NUMBER_ID = "verifiedPhoneNumberId";
    /**
     * Whom the item is for, as IntakeTriage.route found (e.g. "workspace": trusted for its workspace;
     * "unknown-number"): intake-store.camel.yaml's dead-letter rules branch on it.
     */
    public static final String ROUTING = "routing";
    /** The default country of the workspace a trusted item is for: its phones are read in it. */
    public static final String COUNTRY = "defaultCountry";
    /** An update-message item (MessageUpdates): status, edit or revoke of the message WAMID names, at SENT_AT. */
    public static final String UPDATE_KIND = "updateKind";
    public static final String STATUS = "status";
    public static final String ERROR_CODE = "errorCode";
    public static final String ERROR_TITLE = "errorTitle";
    /**
     * What the signed body says that X-Webhook-Event (unsigned) contradicts, e.g. "its message status is sent";
     * null when they agree. Such an item is kept as a dead letter, never applied.
     */
    public static final String CONTRADICTION = "contradiction";
    /** An add-note item (Handovers): the kind of timeline note it writes, its content in TEXT, at SENT_AT. */
    public static final String NOTE_KIND = "noteKind";

    /** What the intake does with an item. */
    public static final String STORE_MESSAGE = "store-message";
    public static final String UPDATE_CONVERSATION = "update-conversation";
    public static final String IGNORE = "ignore";
    public static final String DEAD_LETTER = "dead-letter";
    public static final String CHANGE_IDENTITY = "change-identity";
    /** A sender's test delivery (Kapso "test": true): acknowledged and counted, nothing stored. */
    public static final String TEST = "test";
    public static final String UPDATE_MESSAGE = "update-message";
    /** A timeline note on the customer's lead from an event that is not a message (a handover, the AI agent's summary). */
    public static final String ADD_NOTE = "add-note";

    /** Every field the SQL files name, present (null until read), so that none is missing. */
    private static final String[] FIELDS = {SOURCE, EVENT, ACTION, REASON, PHONE_NUMBER_ID, WORKSPACE_ID, RAW_PHONE,
        ARRIVAL, PHONE, RAW_WHATSAPP_ID, BSUID, PARENT_BSUID, USERNAME, PREVIOUS_BSUID, PREVIOUS_PARENT_BSUID, RAW_PREVIOUS_PHONE, PREVIOUS_PHONE,
        IDENTITY_NOTE, IDENTITY_ORIGIN, CONTRADICTION, CONTACT_NAME, GROUP_ID, CONVERSATION_ID, CONVERSATION_STATUS, WAMID, DIRECTION, TYPE, TEXT, MEDIA_URL, SENT_AT,
        PAYLOAD, DEDUP_KEY, TEXT_TRUNCATED, SENDER_SENT_AT, VERIFIED_BY, VERIFIED_WORKSPACE_ID, VERIFIED_PHONE_NUMBER_ID};

    private IntakeItem() {
    }

    /** The parameters of the workspace lookup (a map, which camel-sql reads without conversion). */
    public static Map<String, Object> deliveryKey(String phoneNumberId) {
        Map<String, Object> key = new HashMap<>();
        key.put(PHONE_NUMBER_ID, phoneNumberId);
        return key;
    }

    /** A new item with every field named (null until read), as the readers and the catch-up make them. */
    public static Map<String, Object> create(String source, String event, String action) {
        Map<String, Object> item = new LinkedHashMap<>();
        for (String field : FIELDS) {
            item.put(field, null);
        }
        item.put(SOURCE, source);
        item.put(EVENT, event);
        item.put(ACTION, action);
        item.put(TEXT_TRUNCATED, false);
        item.put(ARRIVAL, "webhook");
        return item;
    }
}
