package io.ret.server.platform;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Object ids: UUID version 7 (RFC 9562), time-ordered, so "newest first"
 * pages are an index range scan on the primary key.
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt(1 << 12);
        long randB = RANDOM.nextLong();
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /** True for the canonical textual form of a UUID; used to validate ids from clients. */
    public static boolean isValid(String id) {
        return id != null && id.length() == 36 && id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }
}
