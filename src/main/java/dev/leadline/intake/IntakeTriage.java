package dev.leadline.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

import dev.leadline.web.TextCut;

/**
 * The Java half of the intake's triage of one authentic item; intake-store.camel.yaml holds the other half, the
 * rules that keep an item as a dead letter, each a choice branch with its reason. {@link #route} says which
 * workspace the item is for and whether that workspace's secret (or the fallback secret) vouches for it;
 * {@link #normalise} puts a trusted item's phones, name and text in the form the SQL stores;
 * {@link #keep} marks an item kept, with the reason the route gives.
 */
public final class IntakeTriage {

    /**
     * The item's routing verdict ({@link IntakeItem#ROUTING}), on which intake-store.camel.yaml branches. Only
     * {@link #TRUSTED} items go on to be stored; the others are dead letters (or ignored, for events we do not store).
     */
    static final String TRUSTED = "workspace";
    /** A Meta change without metadata.phone_number_id: about the business account, or not routable. */
    static final String NO_BUSINESS_NUMBER = "no-business-number";
    /** The item's number belongs to a workspace, but only the fallback secret verified the delivery. */
    static final String FALLBACK_FOR_OWNED_NUMBER = "fallback-for-owned-number";
    /** The fallback secret verified the delivery for another number than the item's. */
    static final String FALLBACK_FOR_OTHER_NUMBER = "fallback-for-other-number";
    /** No workspace owns the number (the fallback secret vouched for it): replayable once it is onboarded. */
    static final String UNKNOWN_NUMBER = "unknown-number";
    /** The item names another number than that of the workspace whose secret signed the delivery. */
    static final String OTHER_WORKSPACE = "other-workspace";
    /** Longer names are cut: a display name is not a place to store a document. */
    static final int MAX_NAME_LENGTH = 200;

    private final PhoneCanonicalizer phones;
    private final int maxTextChars;

    public IntakeTriage(PhoneCanonicalizer phones, int maxTextChars) {
        this.phones = phones;
        this.maxTextChars = maxTextChars;
    }

    /**
     * Which workspace the item is for. A Meta delivery's changes may each name another business number
     * (signers, from WebhookSignature.verifyMetaAmong): each item is routed by its own phone_number_id, and
     * trusted only for a workspace whose secret verified the delivery (the hardening rule; RELIABILITY.md,
     * delivery routing). Fills in which secret verified it (so that a replay writes only into that
     * workspace), the routing verdict, and for a trusted item its workspaceId and the workspace's default
     * country (for its phones).
     *
     * @param workspace   the workspace whose secret verified the delivery, or null when the fallback secret did
     *                    (unused when signers is given)
     * @param deliveryKey the business number that selected the secret ({phoneNumberId})
     * @param signers     WebhookSignature.verifyMetaAmong's answer; null for a delivery verified the Kapso way,
     *                    a replay and a catch-up
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> route(Map<String, Object> item, Map<String, Object> workspace,
                                     Map<String, Object> deliveryKey, Map<String, Object> signers) {
        if (signers == null) {
            return route(item, workspace, deliveryKey == null ? null : (String) deliveryKey.get(IntakeItem.PHONE_NUMBER_ID));
        }
        Map<String, Object> verified = (Map<String, Object>) signers.get("verified");
        Map<String, Object> named = (Map<String, Object>) signers.get("named");
        boolean fallback = Boolean.TRUE.equals(signers.get("fallback"));
        Map<String, Object> firstSigner = verified.isEmpty() ? null : (Map<String, Object>) verified.values().iterator().next();
        String number = (String) item.get(IntakeItem.PHONE_NUMBER_ID);
        if (number == null) {
            recordVerifier(item, firstSigner, null);
            item.put(IntakeItem.ROUTING, NO_BUSINESS_NUMBER);
            return item;
        }
        if (verified.containsKey(number)) {
            return route(item, (Map<String, Object>) verified.get(number), number);
        }
        if (fallback && !named.containsKey(number)) {
            // The fallback secret vouches for numbers no workspace owns: unknown, replayable once onboarded.
            return route(item, null, number);
        }
        if (fallback && firstSigner == null) {
            recordVerifier(item, null, number);
            item.put(IntakeItem.ROUTING, FALLBACK_FOR_OWNED_NUMBER);
            return item;
        }
        // Another workspace's secret signed it: the existing rule says so, naming that workspace's number.
        return route(item, firstSigner, (String) firstSigner.get("phoneNumberId"));
    }

    private Map<String, Object> route(Map<String, Object> item, Map<String, Object> workspace, String deliveryNumber) {
        recordVerifier(item, workspace, deliveryNumber);
        Object itemNumber = item.get(IntakeItem.PHONE_NUMBER_ID);
        if (workspace == null) {
            // Whether or not a workspace owns it: the fallback secret vouched only for the delivery's number.
            boolean other = itemNumber != null && !itemNumber.equals(deliveryNumber);
            item.put(IntakeItem.ROUTING, other ? FALLBACK_FOR_OTHER_NUMBER : UNKNOWN_NUMBER);
            return item;
        }
        if (itemNumber != null && !Objects.equals(itemNumber, workspace.get("phoneNumberId"))) {
            // Signed with another workspace's secret: not authentic for this one.
            item.put(IntakeItem.ROUTING, OTHER_WORKSPACE);
            return item;
        }
        item.put(IntakeItem.ROUTING, TRUSTED);
        item.put(IntakeItem.WORKSPACE_ID, workspace.get("workspaceId"));
        item.put(IntakeItem.COUNTRY, workspace.get("defaultCountry"));
        return item;
    }

    /**
     * A trusted item in the form the SQL stores: its phones canonical in the workspace's country (one that
     * is not a phone is left out, as a BSUID never stands in for one), the contact name and the text cut to
     * their caps, and the key of an identity change or a note without an id, which makes a re-sent event a duplicate. Whether what is
     * left can be stored is for the route's rules to say.
     */
    public Map<String, Object> normalise(Map<String, Object> item) {
        String country = (String) item.get(IntakeItem.COUNTRY);
        String action = (String) item.get(IntakeItem.ACTION);
        if (IntakeItem.CHANGE_IDENTITY.equals(action)) {
            item.put(IntakeItem.PREVIOUS_PHONE, canonicalOrNull(item, item.get(IntakeItem.RAW_PREVIOUS_PHONE), country));
        }
        if ((IntakeItem.CHANGE_IDENTITY.equals(action) || IntakeItem.ADD_NOTE.equals(action))
                && item.get(IntakeItem.DEDUP_KEY) == null) {
            item.put(IntakeItem.DEDUP_KEY, contentKey(item));
        }
        if (!IntakeItem.UPDATE_MESSAGE.equals(action)) {
            // A lead is found by its BSUID, its phone, or both (WHATSAPP_IDENTITIES.md §7): with a BSUID, a bad phone is left out.
            // A phone with letters is the route's rule to keep as a dead letter: it reads phoneHasLetters.
            Object raw = item.get(IntakeItem.RAW_PHONE);
            boolean letters = raw != null && PhoneCanonicalizer.containsLetters(raw.toString());
            String phone = raw == null || letters ? null : canonical(item, raw, country);
            if (phone == null && item.get(IntakeItem.RAW_WHATSAPP_ID) instanceof String whatsAppId) {
                // The kept phone is unusable, WhatsApp's own id of the customer is not: it wins.
                phone = phones.whatsAppIdToE164(whatsAppId, country);
            }
            item.put(IntakeItem.PHONE_HAS_LETTERS, letters && phone == null);
            item.put(IntakeItem.PHONE, phone);
            capName(item);
        }
        cutText(item);
        return item;
    }

    /** The item, to be kept as a dead letter for the reason given; one without a message id is keyed by its bytes. */
    public Map<String, Object> keep(Map<String, Object> item, String reason) {
        item.put(IntakeItem.ACTION, IntakeItem.DEAD_LETTER);
        item.put(IntakeItem.REASON, reason);
        if (item.get(IntakeItem.DEDUP_KEY) == null) {
            item.put(IntakeItem.DEDUP_KEY, contentKey(item));
        }
        return item;
    }

    private void cutText(Map<String, Object> item) {
        if (item.get(IntakeItem.TEXT) instanceof String text && text.length() > maxTextChars) {
            item.put(IntakeItem.TEXT, TextCut.head(text, maxTextChars));
            item.put(IntakeItem.TEXT_TRUNCATED, true);
        }
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
            item.put(IntakeItem.CONTACT_NAME, TextCut.head(name, MAX_NAME_LENGTH));
        }
    }

    private static void recordVerifier(Map<String, Object> item, Map<String, Object> workspace, String deliveryNumber) {
        item.put(IntakeItem.VERIFIED_BY, workspace == null ? "fallback" : "workspace");
        item.put(IntakeItem.VERIFIED_WORKSPACE_ID, workspace == null ? null : workspace.get("workspaceId"));
        item.put(IntakeItem.VERIFIED_PHONE_NUMBER_ID, workspace == null ? deliveryNumber : workspace.get("phoneNumberId"));
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
