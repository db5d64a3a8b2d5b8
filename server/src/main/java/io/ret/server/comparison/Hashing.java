package io.ret.server.comparison;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * 64-bit hashing of byte ranges, eight bytes per step. Not cryptographic: it only has to make
 * accidental collisions between different cell values vanishingly rare (see docs/comparison.md).
 */
final class Hashing {
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final long HIGH_BITS = 0x8080808080808080L;

    private Hashing() {
    }

    static final long SEED = 0x9E3779B97F4A7C15L;

    /**
     * Eight bytes at a time from {@code from}, then the remaining bytes little-endian in one
     * word; {@link RowScanner} computes the same while it looks for the end of a cell.
     */
    static long hash(byte[] bytes, int from, int to) {
        long h = SEED;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            h = round(h, (long) LONGS.get(bytes, i));
        }
        if (i < to) {
            long tail = 0;
            for (int shift = 0; i < to; i++, shift += 8) {
                tail |= (bytes[i] & 0xFFL) << shift;
            }
            h = round(h, tail);
        }
        return finish(h, to - from);
    }

    /** Folds in the length (so trailing zero bytes count) with one more multiply-xorshift. */
    static long finish(long h, int length) {
        h = (h ^ length) * 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    /** True when any byte in the range is outside ASCII. */
    static boolean hasNonAscii(byte[] bytes, int from, int to) {
        long acc = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            acc |= (long) LONGS.get(bytes, i);
        }
        for (; i < to; i++) {
            acc |= bytes[i];
        }
        return (acc & HIGH_BITS) != 0;
    }

    /** One multiply per word; a bijection of {@code h ^ word}, the finaliser does the avalanche. */
    static long round(long h, long word) {
        h = (h ^ word) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 32);
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
