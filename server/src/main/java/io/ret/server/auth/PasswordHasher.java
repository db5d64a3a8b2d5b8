package io.ret.server.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import io.ret.server.platform.error.ApiException;

/**
 * argon2id (Bouncy Castle) in PHC string form, e.g.
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, so parameters can be
 * raised later and old hashes are recognised and rehashed on login.
 * Concurrent hashing is capped: each one takes {@code m} KiB of memory.
 */
public final class PasswordHasher {
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    public record Params(int memoryKib, int iterations, int parallelism) {
        /** OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane. */
        public static final Params OWASP = new Params(19 * 1024, 2, 1);

        boolean weakerThan(Params other) {
            return memoryKib < other.memoryKib || iterations < other.iterations || parallelism < other.parallelism;
        }
    }

    private final Params params;
    private final Semaphore slots;
    private final SecureRandom random = new SecureRandom();
    private final String dummyHash;

    /** @param maxConcurrent hashes computed at once; further logins wait (briefly) for a slot */
    public PasswordHasher(Params params, int maxConcurrent) {
        this.params = params;
        this.slots = new Semaphore(maxConcurrent, true);
        this.dummyHash = hash("dummy password for unknown users");
    }

    public String hash(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] out = derive(normalize(password), salt, params);
        return "$argon2id$v=19$m=" + params.memoryKib() + ",t=" + params.iterations() + ",p=" + params.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** Constant-time check against a stored PHC string. */
    public boolean verify(String password, String phc) {
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return false;
        }
        Params stored = new Params(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(normalize(password), B64D.decode(m.group(4)), stored, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the same work as a real check, so unknown usernames cannot be told apart by timing. */
    public void verifyDummy(String password) {
        verify(password, dummyHash);
    }

    /** True if the hash was made with weaker parameters than the current ones. */
    public boolean needsRehash(String phc) {
        Matcher m = PHC.matcher(phc);
        return !m.matches() || new Params(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))).weakerThan(params);
    }

    private byte[] derive(String password, byte[] salt, Params p) {
        return derive(password, salt, p, 32);
    }

    private byte[] derive(String password, byte[] salt, Params p, int length) {
        acquire();
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(p.memoryKib())
                    .withIterations(p.iterations())
                    .withParallelism(p.parallelism())
                    .withSalt(salt)
                    .build());
            byte[] out = new byte[length];
            generator.generateBytes(password.getBytes(java.nio.charset.StandardCharsets.UTF_8), out);
            return out;
        } finally {
            slots.release();
        }
    }

    private void acquire() {
        try {
            if (!slots.tryAcquire(10, TimeUnit.SECONDS)) {
                throw ApiException.unavailable("AUTH_BUSY", "too many sign-ins at once; retry shortly",
                        java.time.Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("AUTH_BUSY", "interrupted", java.time.Duration.ofSeconds(1));
        }
    }

    /** NFKC, so the same password typed on different keyboards hashes the same (NIST SP 800-63B). */
    static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }
}
