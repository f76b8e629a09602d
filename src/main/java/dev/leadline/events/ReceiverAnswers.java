package dev.leadline.events;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * A receiver's answer to a webhook, read as little as it needs to be: its status decides, its body is only the
 * start of the delivery log's error. camel-http hands the body over unread (disableStreamCache); at most
 * MAX_BYTES of it are read within MAX_MILLIS, and then the connection is kept for the next delivery if the body
 * had ended, or dropped if not. So a receiver whose answer is huge or never ends costs one short read, never a
 * relay thread held or memory filled.
 */
public final class ReceiverAnswers {

    static final int MAX_BYTES = 65_536;
    static final long MAX_MILLIS = 200;
    static final int QUOTED = 200;

    private ReceiverAnswers() {
    }

    /** "HTTP 500: <the start of the body>", or "HTTP 204"; the message's body emptied either way. */
    public static String error(Exchange exchange) {
        Message in = exchange.getMessage();
        Integer status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Object body = in.getBody();
        in.setBody(null);
        String text = body instanceof InputStream stream ? start(stream) : body == null ? "" : body.toString();
        text = text.strip().replaceAll("\\s+", " ");
        if (text.length() > QUOTED) {
            text = text.substring(0, QUOTED) + "...";
        }
        return "HTTP " + status + (text.isEmpty() ? "" : ": " + text);
    }

    private static String start(InputStream stream) {
        byte[] read = new byte[MAX_BYTES];
        int length = 0;
        boolean ended = false;
        long deadline = System.nanoTime() + MAX_MILLIS * 1_000_000L;
        try {
            while (length < MAX_BYTES && System.nanoTime() < deadline) {
                int n = stream.read(read, length, MAX_BYTES - length);
                if (n < 0) {
                    ended = true;
                    break;
                }
                length += n;
            }
        } catch (IOException e) {
            // the answer broke off: its status stands
        }
        try {
            if (ended) {
                stream.close();   // the whole answer read: the connection goes back to the pool
            } else if (stream instanceof EofSensorInputStream sensor) {
                sensor.abort();   // more than we read: dropped, never drained
            } else {
                stream.close();
            }
        } catch (IOException ignored) {
            // gone either way
        }
        return new String(read, 0, Math.min(length, QUOTED * 4), StandardCharsets.UTF_8);
    }
}
