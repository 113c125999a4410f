package io.keyrelay.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * The Jackson factory for clients' request bodies. Field names stay out of the JVM's string table (clients choose
 * them). A string may be as long as the body: the body's size is already bounded (KEYRELAY_MAX_BODY_BYTES), and
 * Jackson's own 20-million-character default would refuse a valid body carrying a large document.
 */
public final class RequestJson {
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private RequestJson() {
    }
}
