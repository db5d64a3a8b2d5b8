package io.ret.server.platform.grpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;

/**
 * Keeps the TLS key and trust managers in step with the PEM files: every
 * refresh period the files are read, and when their contents changed (a
 * renewed certificate, a rotated Kubernetes Secret) the new ones are used for
 * new connections. grpc-java's own file watching re-reads at most once a
 * minute and only when both modification times moved; this reads contents,
 * and a certificate whose key does not match yet (one file replaced before the
 * other) waits for the next round instead of breaking handshakes.
 */
final class CertificateFiles implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CertificateFiles.class.getName());

    private final TransportSettings.Tls tls;
    private final AdvancedTlsX509KeyManager keys;
    private final AdvancedTlsX509TrustManager trust;
    private final ScheduledFuture<?> refresh;
    private byte[] loaded = new byte[0];

    /** Loads the files now (failing if they are unusable) and then every refresh period. */
    CertificateFiles(TransportSettings.Tls tls, AdvancedTlsX509KeyManager keys, AdvancedTlsX509TrustManager trust,
                     ScheduledExecutorService timer) throws IOException, GeneralSecurityException {
        this.tls = tls;
        this.keys = keys;
        this.trust = trust;
        reload();
        long period = tls.refresh().toMillis();
        this.refresh = timer.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        try {
            if (reload()) {
                LOG.info("TLS certificate files changed; new connections use the new ones");
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.WARNING, "TLS certificate files unusable (" + e.getMessage() + "); keeping the previous ones");
        }
    }

    /** True when the contents changed and were taken. */
    private synchronized boolean reload() throws IOException, GeneralSecurityException {
        byte[] cert = Files.readAllBytes(tls.cert());
        byte[] key = Files.readAllBytes(tls.key());
        byte[] ca = tls.ca().isPresent() ? Files.readAllBytes(tls.ca().get()) : new byte[0];
        byte[] all = concat(cert, "\0".getBytes(StandardCharsets.US_ASCII), key, "\0".getBytes(StandardCharsets.US_ASCII), ca);
        if (Arrays.equals(all, loaded)) {
            return false;
        }
        X509Certificate[] chain = CertificateUtils.getX509Certificates(new ByteArrayInputStream(cert));
        PrivateKey privateKey = CertificateUtils.getPrivateKey(new ByteArrayInputStream(key));
        if (chain.length == 0) {
            throw new GeneralSecurityException(tls.cert() + " holds no certificate");
        }
        requireMatch(chain[0], privateKey);
        if (trust != null) {
            X509Certificate[] roots = CertificateUtils.getX509Certificates(new ByteArrayInputStream(ca));
            if (roots.length == 0) {
                throw new GeneralSecurityException(tls.ca().orElseThrow() + " holds no certificate");
            }
            trust.updateTrustCredentials(roots);
        }
        keys.updateIdentityCredentials(chain, privateKey);
        loaded = all;
        return true;
    }

    /** The key signs what the certificate's public key verifies, or the pair is half-replaced. */
    private static void requireMatch(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return; // nothing to check it with; the handshake will tell
        }
        byte[] probe = "ret-tls-key-check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate");
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    @Override
    public void close() {
        refresh.cancel(false);
    }
}
