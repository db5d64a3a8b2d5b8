package io.ret.server.platform.grpc;

import java.time.Instant;

import com.google.protobuf.Timestamp;

/** Conversions between Java time and protobuf well-known types. */
public final class Protos {
    private Protos() {
    }

    /** Null maps to the default (unset) timestamp. */
    public static Timestamp timestamp(Instant instant) {
        if (instant == null) {
            return Timestamp.getDefaultInstance();
        }
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** Calls {@code setter} only for a non-null instant, so an absent time stays absent on the wire. */
    public static void setIfPresent(Instant instant, java.util.function.Consumer<Timestamp> setter) {
        if (instant != null) {
            setter.accept(timestamp(instant));
        }
    }

    /** An unset timestamp maps to null. */
    public static Instant instant(Timestamp timestamp) {
        if (timestamp == null || (timestamp.getSeconds() == 0 && timestamp.getNanos() == 0)) {
            return null;
        }
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    public static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
