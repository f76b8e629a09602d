package dev.leadline.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The readable text and media link of message shapes that need no database to check (orders, replies, media, reactions). */
class WhatsAppMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode message(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    private static String text(String json) throws Exception {
        return WhatsAppMessages.readableText(message(json));
    }

    @Test
    void editAndRevokeEventsReadAsTheNewTextAndAsADeletion() throws Exception {
        // Point 10 routes these to the original message; should one ever be stored, it still reads.
        assertEquals("[edited] Maaf, maksud saya hari Minggu", text("{'type':'edit','edit':{'original_message_id':'wamid.A',"
                + "'message':{'type':'text','text':{'body':'Maaf, maksud saya hari Minggu'}}}}"));
        assertEquals("[edited] [image] foto baru", text("{'type':'edit','edit':{'original_message_id':'wamid.A',"
                + "'message':{'type':'image','image':{'caption':'foto baru'}}}}"));
        assertEquals("[edited]", text("{'type':'edit','edit':{'original_message_id':'wamid.A'}}"));
        assertEquals("[deleted message]", text("{'type':'revoke','revoke':{'original_message_id':'wamid.A'}}"));
    }

    @Test
    void orderTotalsPerCurrencyAndNoTotalWhenAnItemHasNoPrice() throws Exception {
        assertEquals("[order] 2 items: a x1, b x2; total 10 USD + 5000 IDR", text("{'type':'order','order':{'product_items':["
                + "{'product_retailer_id':'a','quantity':1,'item_price':10,'currency':'USD'},"
                + "{'product_retailer_id':'b','quantity':'2','item_price':'2500','currency':'IDR'}]}}"));
        assertEquals("[order] 2 items: a x1, b x2", text("{'type':'order','order':{'product_items':["
                + "{'product_retailer_id':'a','quantity':1,'item_price':10,'currency':'USD'},"
                + "{'product_retailer_id':'b','quantity':2,'currency':'USD'}]}}"));
        assertEquals("[order] kirim cepat", text("{'type':'order','order':{'text':'kirim cepat'}}"));
        assertEquals("[order]", text("{'type':'order','order':{}}"));
    }

    @Test
    void anAbsurdAmountOrQuantityIsNotReadNorWrittenOut() throws Exception {
        // An unreadable quantity or price leaves the total out rather than miscounting it.
        assertEquals("[order] 2 items: a, b x1", text("{'type':'order','order':{'product_items':["
                + "{'product_retailer_id':'a','quantity':'1e999999999','item_price':1,'currency':'EUR'},"
                + "{'product_retailer_id':'b','quantity':1,'item_price':'5.250','currency':'EUR'}]}}"));
        assertEquals("[order] 1 item: b x2", text("{'type':'order','order':{'product_items':["
                + "{'product_retailer_id':'b','quantity':2,'item_price':'1e-999999999','currency':'EUR'}]}}"));
        assertEquals("[order] 1 item: b x2; total 10.50 EUR", text("{'type':'order','order':{'product_items':["
                + "{'product_retailer_id':'b','quantity':2.0,'item_price':'5.250','currency':'EUR'}]}}"));
    }

    @Test
    void aFlowReplyWhoseResponseIsNotJsonFallsBackToItsBody() throws Exception {
        assertEquals("[flow reply] flow: Sent", text("{'type':'interactive','interactive':{'type':'nfm_reply',"
                + "'nfm_reply':{'name':'flow','body':'Sent','response_json':'not json'}}}"));
        assertEquals("[flow reply] pilihan: [\"a\",\"b\"]", text("{'type':'interactive','interactive':{'type':'nfm_reply',"
                + "'nfm_reply':{'response_json':'{\\\"pilihan\\\":[\\\"a\\\",\\\"b\\\"]}'}}}"));
    }

    @Test
    void buttonAndListRepliesKeepTheirTitles() throws Exception {
        assertEquals("Ya, lanjut", text("{'type':'interactive','interactive':{'type':'button_reply',"
                + "'button_reply':{'id':'b1','title':'Ya, lanjut'}}}"));
        assertEquals("Paket B", text("{'type':'interactive','interactive':{'type':'list_reply',"
                + "'list_reply':{'id':'l2','title':'Paket B'}}}"));
    }

    @Test
    void kapsoContentStillReadsForOtherTypesUnlessItHoldsTheMediaLink() throws Exception {
        assertEquals("Lokasi: Kantor", text("{'type':'location','location':{'latitude':1,'longitude':2},"
                + "'kapso':{'content':'Lokasi: Kantor'}}"));
        assertEquals("[reaction] ❤", text("{'type':'reaction','reaction':{'emoji':'❤'},"
                + "'kapso':{'content':'[reaction] ❤'}}"));
        assertEquals("[reaction removed]", text("{'type':'reaction','reaction':{'emoji':''},"
                + "'kapso':{'content':'Reaction'}}"));
        // An unknown type's rendering that embeds the expiring link is not used.
        assertEquals("[ptv]", text("{'type':'ptv','kapso':{'media_url':'https://x.invalid/1','content':'Video https://x.invalid/1'}}"));
        assertEquals("Sesuatu", text("{'type':'ptv','kapso':{'media_url':'https://x.invalid/1','content':'Sesuatu'}}"));
    }

    @Test
    void aMessageWithNothingReadableStillGetsItsType() throws Exception {
        assertEquals("[text]", text("{'type':'text','text':{'body':'  '}}"));
        assertEquals("[button]", text("{'type':'button','button':{'payload':'p'}}"));
        assertEquals("[unknown]", text("{'id':'wamid.X'}"));
    }

    @Test
    void aTranscriptGivenAsAStringIsTakenToo() throws Exception {
        assertEquals("[audio] halo", text("{'type':'audio','audio':{},'kapso':{'transcript':'halo','content':'Audio URL: https://x'}}"));
    }

    @Test
    void theMediaLinkIsKapsosElseMetasOwnForMediaOnly() throws Exception {
        assertEquals("https://k.invalid/1", WhatsAppMessages.mediaUrl(message(
                "{'type':'image','image':{'url':'https://m.invalid/1'},'kapso':{'media_url':'https://k.invalid/1'}}")));
        assertEquals("https://m.invalid/1", WhatsAppMessages.mediaUrl(message("{'type':'video','video':{'url':'https://m.invalid/1'}}")));
        assertNull(WhatsAppMessages.mediaUrl(message("{'type':'location','location':{'url':'https://maps.invalid/1'}}")));
    }
}
