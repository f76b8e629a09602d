package dev.leadline.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * Decides what happens to one authentic intake item: stored, applied as an identity change, ignored, or
 * kept as a dead letter with the reason. It fills in the workspace and the canonical phones for the SQL
 * that follows, the text cut to its cap, and which secret verified the delivery (so that a replay writes
 * only into that workspace).
 */
public final class IntakeTriage {

    /** The reason kept with a message that names no customer: neither a phone nor a BSUID. */
    static final String NO_IDENTITY = "no customer phone number or BSUID";
    /** The reason kept with a group-chat message: no lead is made of it. */
    static final String GROUP_CHAT = "group chat message: kept raw, no lead";
    /** The reason kept with an identity change that names neither a new phone nor a new BSUID to set. */
    static final String NO_NEW_IDENTITY = "identity change without a new phone number or BSUID";
    /** The reason kept with a Meta change about the business account (no phone_number_id): no lead to route it to. */
    static final String ACCOUNT_LEVEL = "account-level";
    /** Longer names are cut: a display name is not a place to store a document. */
    static final int MAX_NAME_LENGTH = 200;

    private final PhoneCanonicalizer phones;
    private final int maxTextChars;

    public IntakeTriage(PhoneCanonicalizer phones, int maxTextChars) {
        this.phones = phones;
        this.maxTextChars = maxTextChars;
    }

    /**
     * A Meta delivery, whose changes may each name another business number: each item is routed by its
     * own phone_number_id, and goes only to a workspace whose secret verified the delivery (the hardening
     * rule; RELIABILITY.md issue 9 finding 1). An item for a number no workspace owns, verified by the
     * fallback secret, is "unknown" for that number (replayable once it is onboarded); one for a workspace
     * whose secret did not sign it is kept with that reason. A change with no number is account-level.
     *
     * @param signers WebhookSignature.verifyMetaAmong's answer; null for a delivery verified the Kapso way
     *                (and for a replay), which the three-argument triage decides
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> triage(Map<String, Object> item, Map<String, Object> workspace,
                                      Map<String, Object> deliveryKey, Map<String, Object> signers) {
        if (signers == null) {
            return triage(item, workspace, deliveryKey);
        }
        Map<String, Object> verified = (Map<String, Object>) signers.get("verified");
        Map<String, Object> named = (Map<String, Object>) signers.get("named");
        boolean fallback = Boolean.TRUE.equals(signers.get("fallback"));
        Map<String, Object> firstSigner = verified.isEmpty() ? null : (Map<String, Object>) verified.values().iterator().next();
        String number = (String) item.get(IntakeItem.PHONE_NUMBER_ID);
        if (number == null) {
            recordVerifier(item, firstSigner, null);
            if (IntakeItem.IGNORE.equals(item.get(IntakeItem.ACTION))) {
                // A field other than messages is about the business account; statuses without metadata stay ignored.
                return MetaEvents.EVENT.equals(item.get(IntakeItem.EVENT)) ? item : deadLetter(item, ACCOUNT_LEVEL);
            }
            return deadLetter(item, "change without metadata.phone_number_id: no workspace to route it to");
        }
        if (verified.containsKey(number)) {
            return triage(item, (Map<String, Object>) verified.get(number), IntakeItem.deliveryKey(number));
        }
        if (fallback && !named.containsKey(number)) {
            // The fallback secret vouches for numbers no workspace owns: unknown, replayable once onboarded.
            return triage(item, null, IntakeItem.deliveryKey(number));
        }
        if (fallback && firstSigner == null) {
            recordVerifier(item, null, number);
            if (IntakeItem.IGNORE.equals(item.get(IntakeItem.ACTION))) {
                return item;
            }
            return deadLetter(item, "phone_number_id " + number + " belongs to a workspace whose secret did not sign this "
                    + "delivery (only the fallback secret verified it): not trusted for that workspace");
        }
        // Another workspace's secret signed it: the existing rule says so, naming that workspace's number.
        return triage(item, firstSigner, IntakeItem.deliveryKey((String) firstSigner.get("phoneNumberId")));
    }

    /**
     * @param workspace   the workspace whose secret verified the delivery, or null when the fallback secret did
     * @param deliveryKey the business number that selected the secret ({phoneNumberId})
     */
    public Map<String, Object> triage(Map<String, Object> item, Map<String, Object> workspace,
                                      Map<String, Object> deliveryKey) {
        String deliveryNumber = deliveryKey == null ? null : (String) deliveryKey.get(IntakeItem.PHONE_NUMBER_ID);
        recordVerifier(item, workspace, deliveryNumber);
        String action = (String) item.get(IntakeItem.ACTION);
        if (IntakeItem.IGNORE.equals(action) || IntakeItem.TEST.equals(action)) {
            return item;
        }
        Object itemNumber = item.get(IntakeItem.PHONE_NUMBER_ID);
        if (workspace == null) {
            if (itemNumber != null && !itemNumber.equals(deliveryNumber)) {
                // Whether or not a workspace owns it: the fallback secret vouched only for the delivery's number.
                return deadLetter(item, "phone_number_id " + itemNumber + " is not the one the fallback secret verified "
                        + "this delivery for (" + deliveryNumber + "): not trusted for another workspace");
            }
            return deadLetter(item, "unknown phone_number_id " + (itemNumber != null ? itemNumber : deliveryNumber));
        }
        item.put(IntakeItem.WORKSPACE_ID, workspace.get("workspaceId"));
        if (itemNumber != null && !Objects.equals(itemNumber, workspace.get("phoneNumberId"))) {
            // Signed with another workspace's secret: not authentic for this one.
            return deadLetter(item, "phone_number_id " + itemNumber + " is not that of the workspace whose secret "
                    + "signed the delivery (" + workspace.get("phoneNumberId") + "): not trusted for another workspace");
        }
        if (IntakeItem.CHANGE_IDENTITY.equals(action)) {
            return identityChange(item, (String) workspace.get("defaultCountry"));
        }
        if (IntakeItem.UPDATE_MESSAGE.equals(action)) {
            // A status, edit or revoke names its message by wamid and needs no customer: the message has one.
            if (item.get(IntakeItem.WAMID) == null) {
                return deadLetter(item, "message " + item.get(IntakeItem.UPDATE_KIND) + " without the message's id");
            }
            cutText(item);
            return item;
        }
        if (IntakeItem.STORE_MESSAGE.equals(action) && item.get(IntakeItem.WAMID) == null) {
            return deadLetter(item, "message without an id");
        }
        if (IntakeItem.STORE_MESSAGE.equals(action) && item.get(IntakeItem.GROUP_ID) != null) {
            // A group chat is not a 1:1 conversation with a lead (WHATSAPP_IDENTITIES.md §7 rule 9).
            return deadLetter(item, GROUP_CHAT);
        }
        if (IntakeItem.UPDATE_CONVERSATION.equals(action) && item.get(IntakeItem.CONVERSATION_ID) == null) {
            return deadLetter(item, "conversation event without a conversation id");
        }
        // A lead is found by its BSUID, its phone, or both (WHATSAPP_IDENTITIES.md §7): a message that
        // carries a BSUID is a lead even when its phone is withheld; with a BSUID, a bad phone is left out.
        boolean hasBsuid = item.get(IntakeItem.BSUID) != null;
        Object rawPhone = item.get(IntakeItem.RAW_PHONE);
        if (rawPhone == null) {
            if (!hasBsuid) {
                return deadLetter(item, NO_IDENTITY);
            }
        } else if (PhoneCanonicalizer.containsLetters(rawPhone.toString())) {
            if (!hasBsuid) {
                return deadLetter(item, "customer phone number contains letters");
            }
        } else {
            String phone = canonical(item, rawPhone, (String) workspace.get("defaultCountry"));
            if (phone == null && !hasBsuid) {
                return deadLetter(item, "invalid customer phone number");
            }
            item.put(IntakeItem.PHONE, phone);
        }
        capName(item);
        cutText(item);
        return item;
    }

    private void cutText(Map<String, Object> item) {
        if (item.get(IntakeItem.TEXT) instanceof String text && text.length() > maxTextChars) {
            // Never split a surrogate pair: the stored text stays valid Unicode.
            int end = Character.isHighSurrogate(text.charAt(maxTextChars - 1)) ? maxTextChars - 1 : maxTextChars;
            item.put(IntakeItem.TEXT, text.substring(0, end));
            item.put(IntakeItem.TEXT_TRUNCATED, true);
        }
    }

    /**
     * An identity change: both phones canonical (one that is not a phone is left out, as a BSUID never
     * stands in for one), a new identity to set, and a key that makes a re-sent event a duplicate.
     */
    private Map<String, Object> identityChange(Map<String, Object> item, String country) {
        item.put(IntakeItem.PHONE, canonicalOrNull(item, item.get(IntakeItem.RAW_PHONE), country));
        item.put(IntakeItem.PREVIOUS_PHONE, canonicalOrNull(item, item.get(IntakeItem.RAW_PREVIOUS_PHONE), country));
        if (item.get(IntakeItem.PHONE) == null && item.get(IntakeItem.BSUID) == null) {
            return deadLetter(item, NO_NEW_IDENTITY);
        }
        if (item.get(IntakeItem.DEDUP_KEY) == null) {
            item.put(IntakeItem.DEDUP_KEY, contentKey(item));
        }
        capName(item);
        return item;
    }

    private String canonicalOrNull(Map<String, Object> item, Object raw, String country) {
        if (raw == null || PhoneCanonicalizer.containsLetters(raw.toString())) {
            return null;
        }
        return canonical(item, raw, country);
    }

    /**
     * A phone WhatsApp gave (Meta's from / wa_id, a Kapso item marked so) that libphonenumber rejects is
     * still the customer's verified number: kept as "+digits". One a person typed must be valid.
     */
    private String canonical(Map<String, Object> item, Object raw, String country) {
        boolean whatsAppId = "meta".equals(item.get(IntakeItem.SOURCE))
                || Boolean.TRUE.equals(item.get(IntakeItem.PHONE_IS_WHATSAPP_ID));
        return whatsAppId ? phones.whatsAppIdToE164(raw.toString(), country) : phones.toE164(raw.toString(), country);
    }

    private static void capName(Map<String, Object> item) {
        if (item.get(IntakeItem.CONTACT_NAME) instanceof String name && name.length() > MAX_NAME_LENGTH) {
            item.put(IntakeItem.CONTACT_NAME, name.substring(0, MAX_NAME_LENGTH));
        }
    }

    private static void recordVerifier(Map<String, Object> item, Map<String, Object> workspace, String deliveryNumber) {
        item.put(IntakeItem.VERIFIED_BY, workspace == null ? "fallback" : "workspace");
        item.put(IntakeItem.VERIFIED_WORKSPACE_ID, workspace == null ? null : workspace.get("workspaceId"));
        item.put(IntakeItem.VERIFIED_PHONE_NUMBER_ID, workspace == null ? deliveryNumber : workspace.get("phoneNumberId"));
    }

    private static Map<String, Object> deadLetter(Map<String, Object> item, String reason) {
        item.put(IntakeItem.ACTION, IntakeItem.DEAD_LETTER);
        item.put(IntakeItem.REASON, reason);
        if (item.get(IntakeItem.DEDUP_KEY) == null) {
            item.put(IntakeItem.DEDUP_KEY, contentKey(item));
        }
        return item;
    }

    /** The key of an event with no message id (or no message): the same event re-sent is the same bytes, kept once. */
    private static String contentKey(Map<String, Object> item) {
        return item.get(IntakeItem.SOURCE) + ":sha256:"
                + sha256Hex(item.get(IntakeItem.EVENT) + "\n" + item.get(IntakeItem.PAYLOAD));
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
