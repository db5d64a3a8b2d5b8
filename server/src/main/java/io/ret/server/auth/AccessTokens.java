package io.ret.server.auth;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import io.ret.server.platform.security.Role;

/**
 * Signed access tokens (RFC 9068 shape, ES256): issuer, audience, subject,
 * roles, login session ({@code sid}), token version ({@code ver}), expiry.
 * Verification accepts ES256 only, with keys from RET's own key set selected
 * by {@code kid}; nothing in a token's header can choose the key or algorithm.
 */
public final class AccessTokens {
    private static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");

    public record Claims(String userId, String username, List<Role> roles, String sessionId, int version, Instant expiresAt) {
    }

    public sealed interface Verified {
    }

    public record Valid(Claims claims) implements Verified {
    }

    public record Invalid(String reason, String message) implements Verified {
    }

    private final SigningKeys keys;
    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final Clock clock;
    private final ECDSASigner signer;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public AccessTokens(SigningKeys keys, String issuer, String audience, Duration ttl, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.ttl = ttl;
        this.clock = clock;
        try {
            this.signer = new ECDSASigner(keys.signingKey());
        } catch (JOSEException e) {
            throw new IllegalStateException("unusable signing key", e);
        }
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(keys.publicKeys())));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                // nimbus probes these sets with contains(null): immutable Set.of() would throw
                new HashSet<>(Set.of(audience)),
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                new HashSet<>(Set.of("sub", "exp", "iat", "sid", "ver", "roles")),
                new HashSet<>()) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew(30);
        processor.setJWTClaimsSetVerifier(claims);
    }

    public Duration ttl() {
        return ttl;
    }

    public record Issued(String token, Instant expiresAt) {
    }

    public Issued issue(String userId, String username, Role role, String sessionId, int version) {
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        List<String> roles = role == Role.ADMIN ? List.of("user", "admin") : List.of("user");
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(userId)
                .claim("preferred_username", username)
                .claim("roles", roles)
                .claim("sid", sessionId)
                .claim("ver", version)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(keys.signingKey().getKeyID())
                .type(TYPE)
                .build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return new Issued(jwt.serialize(), expires);
    }

    public Verified verify(String token) {
        if (!canonical(token)) {
            return new Invalid("TOKEN_INVALID", "access token is invalid");
        }
        try {
            JWTClaimsSet claims = processor.process(token, null);
            List<Role> roles = claims.getStringListClaim("roles").stream()
                    .map(r -> r.equals("admin") ? Role.ADMIN : Role.USER).toList();
            Object ver = claims.getClaim("ver");
            if (!(ver instanceof Number number)) {
                return new Invalid("TOKEN_INVALID", "access token is invalid");
            }
            return new Valid(new Claims(claims.getSubject(), claims.getStringClaim("preferred_username"), roles,
                    claims.getStringClaim("sid"), number.intValue(), claims.getExpirationTime().toInstant()));
        } catch (BadJWTException e) {
            if (e.getMessage() != null && e.getMessage().contains("Expired")) {
                return new Invalid("TOKEN_EXPIRED", "access token expired; refresh it");
            }
            return new Invalid("TOKEN_INVALID", "access token is invalid");
        } catch (ParseException e) {
            return new Invalid("TOKEN_MALFORMED", "access token is not a JWT");
        } catch (BadJOSEException | JOSEException | RuntimeException e) {
            return new Invalid("TOKEN_INVALID", "access token is invalid");
        }
    }

    /**
     * Whether each of the three parts is base64url as an encoder writes it. Decoders ignore the
     * unused low bits of a part's last character, so without this a signature changed only
     * there (different text, same bytes) would pass; RFC 7515 tokens have one spelling.
     */
    static boolean canonical(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return true; // not a JWS in compact form: the parser says what is wrong
        }
        try {
            for (String part : parts) {
                if (!URL_ENCODER.encodeToString(URL_DECODER.decode(part)).equals(part)) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static final java.util.Base64.Encoder URL_ENCODER = java.util.Base64.getUrlEncoder().withoutPadding();
    private static final java.util.Base64.Decoder URL_DECODER = java.util.Base64.getUrlDecoder();
}
