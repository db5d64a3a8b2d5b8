package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLEngine;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.LoginRequest;
import io.ret.server.testing.TestCertificates;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC port over TLS and mutual TLS, with certificates made at test time and reloaded when the files change. */
class TlsTest {
    @TempDir
    Path dir;

    /** A TLS client trusting {@code ca}; remembers the server certificate of the last handshake. */
    private static final class Client implements AutoCloseable {
        final ManagedChannel channel;
        final AtomicReference<X509Certificate> serverCert = new AtomicReference<>();

        Client(int port, Path ca, TestCertificates.PemFiles identity) throws Exception {
            var trust = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
                    .setSslSocketAndEnginePeerVerifier(new AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier() {
                        @Override
                        public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket) {
                            serverCert.set(chain[0]);
                        }

                        @Override
                        public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine) {
                            serverCert.set(chain[0]);
                        }
                    })
                    .build();
            trust.updateTrustCredentials(ca.toFile());
            TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder().trustManager(trust);
            if (identity != null) {
                credentials.keyManager(identity.cert().toFile(), identity.key().toFile());
            }
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port, credentials.build()).build();
        }

        ServingStatus health() {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Status.Code refusal(Client client) {
        try {
            client.health();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void theGrpcPortServesTlsAndPicksUpANewCertificateWhenItsFilesChange() throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca("RET test CA");
        Path caFile = ca.writeCert(dir.resolve("ca.crt"));
        TestCertificates.Issued first = ca.server("ret-server");
        TestCertificates.PemFiles files = first.written(dir, "server");
        try (TestServer server = TestServer.builder()
                .set("ret.grpc.tls.enabled", "true")
                .set("ret.grpc.tls.cert", files.cert().toString())
                .set("ret.grpc.tls.key", files.key().toString())
                .set("ret.grpc.tls.refresh", "PT1S")
                .start()) {
            int port = server.server().grpcPort();
            try (Client client = new Client(port, caFile, null)) {
                assertThat(client.health()).isEqualTo(ServingStatus.SERVING);
                assertThat(client.serverCert.get().getSerialNumber()).isEqualTo(first.serial());
                // a real call through TLS
                assertThat(AuthServiceGrpc.newBlockingStub(client.channel).withDeadlineAfter(15, TimeUnit.SECONDS)
                        .login(LoginRequest.newBuilder().setUsername(TestServer.ADMIN_USERNAME)
                                .setPassword(TestServer.ADMIN_PASSWORD).build()).getAccessToken()).isNotEmpty();
            }
            // plaintext is not served on a TLS port
            assertThat(PipelineTest.catchStatus(() -> HealthGrpc.newBlockingStub(server.channel())
                    .check(HealthCheckRequest.getDefaultInstance())).getStatus().getCode())
                    .isEqualTo(Status.Code.UNAVAILABLE);

            // the certificate is renewed on disk: new connections get it, without a restart
            TestCertificates.Issued renewed = ca.server("ret-server");
            renewed.written(dir, "server");
            BigInteger seen = first.serial();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!seen.equals(renewed.serial()) && System.nanoTime() < deadline) {
                Thread.sleep(300);
                try (Client client = new Client(port, caFile, null)) {
                    assertThat(client.health()).isEqualTo(ServingStatus.SERVING);
                    seen = client.serverCert.get().getSerialNumber();
                }
            }
            assertThat(seen).as("serial of the certificate served after renewal").isEqualTo(renewed.serial());
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutACertificateFromTheConfiguredCa() throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca("RET test CA");
        Path caFile = ca.writeCert(dir.resolve("ca.crt"));
        TestCertificates.PemFiles serverFiles = ca.server("ret-server").written(dir, "server");
        TestCertificates.PemFiles trustedClient = ca.client("billing-service").written(dir, "client");
        TestCertificates.PemFiles strangerClient = TestCertificates.ca("Someone else's CA").client("stranger")
                .written(dir, "stranger");
        try (TestServer server = TestServer.builder()
                .set("ret.grpc.tls.enabled", "true")
                .set("ret.grpc.tls.cert", serverFiles.cert().toString())
                .set("ret.grpc.tls.key", serverFiles.key().toString())
                .set("ret.grpc.tls.ca", caFile.toString())
                .set("ret.grpc.tls.client.auth", "require")
                .start()) {
            int port = server.server().grpcPort();
            try (Client trusted = new Client(port, caFile, trustedClient);
                 Client anonymous = new Client(port, caFile, null);
                 Client stranger = new Client(port, caFile, strangerClient)) {
                assertThat(trusted.health()).isEqualTo(ServingStatus.SERVING);
                assertThat(refusal(anonymous)).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(refusal(stranger)).isEqualTo(Status.Code.UNAVAILABLE);
            }
        }
    }
}
