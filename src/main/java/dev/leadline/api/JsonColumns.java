package dev.leadline.api;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import org.postgresql.util.PGobject;

/**
 * A json or jsonb column of a statement's rows (lastMessage, built by PostgreSQL as the contract shapes it)
 * written into the answer as JSON, not as the driver's wrapper object. Any other PostgreSQL type the driver
 * wraps is written as its text.
 */
public final class JsonColumns extends SimpleModule {

    public JsonColumns() {
        super("leadline-json-columns");
        addSerializer(PGobject.class, new StdSerializer<>(PGobject.class) {
            @Override
            public void serialize(PGobject value, JsonGenerator out, SerializerProvider provider) throws IOException {
                if (value.getValue() == null) {
                    out.writeNull();
                } else if ("json".equals(value.getType()) || "jsonb".equals(value.getType())) {
                    out.writeRawValue(value.getValue());
                } else {
                    out.writeString(value.getValue());
                }
            }
        });
    }
}
