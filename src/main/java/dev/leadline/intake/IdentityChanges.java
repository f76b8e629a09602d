package dev.leadline.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An identity change (Meta user_changed_number / user_changed_user_id / user_id_update, Kapso
 * contact.identity_changed) as the lead's timeline tells it, and what becomes of one that no known lead
 * matches (WHATSAPP_IDENTITIES.md §4, §5, §7 rule 6: kept as a dead letter by intake-store.camel.yaml). The change
 * itself is applied by change-identity.sql.
 */
public final class IdentityChanges {

    /** Fills in the item's timeline note, e.g. "Phone changed from +62… to +62…; BSUID now ID.… (WhatsApp user_changed_number)". */
    public Map<String, Object> describe(Map<String, Object> item) {
        List<String> parts = new ArrayList<>();
        change(parts, "Phone", item.get(IntakeItem.PREVIOUS_PHONE), item.get(IntakeItem.PHONE));
        change(parts, "BSUID", item.get(IntakeItem.PREVIOUS_BSUID), item.get(IntakeItem.BSUID));
        change(parts, "Parent BSUID", item.get(IntakeItem.PREVIOUS_PARENT_BSUID), item.get(IntakeItem.PARENT_BSUID));
        if (item.get(IntakeItem.USERNAME) != null) {
            parts.add("username " + item.get(IntakeItem.USERNAME));
        }
        String told = parts.isEmpty() ? "Identity confirmed, unchanged" : String.join("; ", parts);
        item.put(IntakeItem.IDENTITY_NOTE, told + " (" + item.get(IntakeItem.IDENTITY_ORIGIN) + ")");
        return item;
    }

    private static void change(List<String> parts, String what, Object before, Object after) {
        if (after == null || Objects.equals(before, after)) {
            return;
        }
        parts.add(before == null ? what + " now " + after : what + " changed from " + before + " to " + after);
    }
}
