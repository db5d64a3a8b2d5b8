package io.ret.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.List;
import java.util.logging.Logger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import io.ret.server.platform.config.ConfigException;

/**
 * The ES256 key set that signs access tokens. From a JWKS file with private
 * keys (production: a mounted secret; several keys allow rotation, the first
 * or the named one signs), or, when none is configured, generated once and
 * kept under the runtime directory readable by its owner only.
 */
public final class SigningKeys {
    private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());

    private final ECKey signingKey;
    private final JWKSet publicKeys;

    private SigningKeys(ECKey signingKey, JWKSet publicKeys) {
        this.signingKey = signingKey;
        this.publicKeys = publicKeys;
    }

    public static SigningKeys load(Path file, String signingKid, String configKey) {
        JWKSet set;
        try {
            set = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(configKey, "cannot read key set " + file + ": " + e.getMessage());
        } catch (ParseException e) {
            throw new ConfigException(configKey, "file " + file + " is not a JWK set");
        }
        List<ECKey> keys = set.getKeys().stream()
                .filter(k -> k instanceof ECKey ec && Curve.P_256.equals(ec.getCurve()) && ec.isPrivate() && k.getKeyID() != null)
                .map(JWK::toECKey)
                .toList();
        if (keys.isEmpty()) {
            throw new ConfigException(configKey, "file " + file + " holds no private P-256 key with a kid");
        }
        ECKey signing = signingKid == null ? keys.getFirst() : keys.stream()
                .filter(k -> k.getKeyID().equals(signingKid)).findFirst()
                .orElseThrow(() -> new ConfigException("ret.auth.jwt.signing.kid", "no key '" + signingKid + "' in " + file));
        return new SigningKeys(signing, new JWKSet(keys.stream().map(k -> (JWK) k.toPublicJWK()).toList()));
    }

    /** Loads the generated key set under {@code dir}, creating it (owner-only) on first use. */
    public static SigningKeys loadOrGenerate(Path dir) {
        Path file = dir.resolve("jwt-signing.jwks.json");
        if (!Files.exists(file)) {
            try {
                ECKey key = new ECKeyGenerator(Curve.P_256)
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.ES256)
                        .keyIDFromThumbprint(true)
                        .generate();
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path tmp = Files.createTempFile(dir, "jwks", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, new JWKSet(key).toString(false), StandardCharsets.UTF_8);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                LOG.info("generated a token signing key in " + file);
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot generate a signing key", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
        return load(file, null, "ret.auth.jwt.keys.file");
    }

    ECKey signingKey() {
        return signingKey;
    }

    /** Public keys only; what other services use to verify RET's tokens. */
    public JWKSet publicKeys() {
        return publicKeys;
    }
}
