package io.ret.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.ret.server.testing.TestCertificates;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a server that serves TLS only and requires client certificates (mutual TLS),
 * with a CA, server and client certificates made at test time.
 */
class CliTlsTest {
    @TempDir
    static Path certs;
    private static TestServer server;
    private static String address;
    private static Path ca;
    private static TestCertificates.PemFiles client;
    private static TestCertificates.PemFiles stranger;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates.Ca authority = TestCertificates.ca("RET CLI test CA");
        ca = authority.writeCert(certs.resolve("ca.crt"));
        TestCertificates.PemFiles serverFiles = authority.server("ret-server").written(certs, "server");
        client = authority.client("ops-laptop").written(certs, "client");
        stranger = TestCertificates.ca("Another CA").client("stranger").written(certs, "stranger");
        server = TestServer.builder()
                .set("ret.grpc.tls.enabled", "true")
                .set("ret.grpc.tls.cert", serverFiles.cert().toString())
                .set("ret.grpc.tls.key", serverFiles.key().toString())
                .set("ret.grpc.tls.ca", ca.toString())
                .set("ret.grpc.tls.client.auth", "require")
                .start();
        // localhost: plaintext by default, so TLS comes from the certificate options alone
        address = "localhost:" + server.server().grpcPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theCliSignsInOverMutualTlsWithTheCaCertificateAndKeyGivenAsOptions() {
        CliRunner ret = new CliRunner(address, home);
        String[] tls = {"--ca", ca.toString(), "--client-cert", client.cert().toString(), "--client-key", client.key().toString()};

        CliRunner.Result login = ret.runWithInput(TestServer.ADMIN_PASSWORD + "\n",
                concat(new String[] {"login", TestServer.ADMIN_USERNAME, "--password-stdin"}, tls));
        assertThat(login.code()).as(login.toString()).isZero();
        CliRunner.Result whoami = ret.run(concat(new String[] {"whoami"}, tls));

        assertThat(whoami.code()).as(whoami.toString()).isZero();
        assertThat(whoami.out()).contains(TestServer.ADMIN_USERNAME);
    }

    @Test
    void theCaCertificateAndKeyCanComeFromTheEnvironment() {
        CliRunner ret = new CliRunner(address, home).env("RET_CA", ca.toString())
                .env("RET_CLIENT_CERT", client.cert().toString()).env("RET_CLIENT_KEY", client.key().toString());

        CliRunner.Result login = ret.runWithInput(TestServer.ADMIN_PASSWORD + "\n",
                "login", TestServer.ADMIN_USERNAME, "--password-stdin");
        CliRunner.Result whoami = ret.run("whoami", "--output", "json");

        assertThat(login.code()).as(login.toString()).isZero();
        assertThat(whoami.code()).as(whoami.toString()).isZero();
        assertThat(whoami.out()).contains(TestServer.ADMIN_USERNAME);
    }

    @Test
    void withoutAClientCertificateOrWithOneFromAnotherCaTheServerIsNotReached() {
        CliRunner ret = new CliRunner(address, home).env("RET_TOKEN", "x");

        CliRunner.Result noCert = ret.run("whoami", "--ca", ca.toString(), "--timeout", "10");
        CliRunner.Result foreign = ret.run("whoami", "--ca", ca.toString(), "--client-cert", stranger.cert().toString(),
                "--client-key", stranger.key().toString(), "--timeout", "10");
        CliRunner.Result plaintext = ret.run("whoami", "--timeout", "10");

        assertThat(noCert.code()).as(noCert.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(foreign.code()).as(foreign.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(plaintext.code()).as(plaintext.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
    }

    @Test
    void aCertificateWithoutItsKeyIsAUsageError() {
        CliRunner.Result result = new CliRunner(address, home).env("RET_TOKEN", "x")
                .run("whoami", "--ca", ca.toString(), "--client-cert", client.cert().toString());

        assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--client-cert and --client-key");
    }

    @Test
    void anUnreadableClientCertificateIsNamedAsAUsageError() {
        Path missing = home.resolve("missing.crt");
        CliRunner.Result result = new CliRunner(address, home).env("RET_TOKEN", "x")
                .run("whoami", "--client-cert", missing.toString(), "--client-key", client.key().toString());

        assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains(missing.toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
