package dev.elasticcache.samples.chat;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A flight booking record ({@code id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7}), the target of
 * {@code POST /api/booking}. Spring AI's {@code BeanOutputConverter} turns it into the JSON Schema that the
 * model fills by infilling: the keys and punctuation are fixed text, only the values are decoded.
 *
 * @param id booking number (8 digits)
 * @param from departure airport code
 * @param to arrival airport code
 * @param seat seat, e.g. 70V
 * @param gate gate, e.g. V71
 * @param travelClass fare class letter (JSON key {@code class})
 * @param bag checked bags
 */
public record Booking(String id, String from, String to, String seat, String gate,
        @JsonProperty("class") String travelClass, int bag) {}
