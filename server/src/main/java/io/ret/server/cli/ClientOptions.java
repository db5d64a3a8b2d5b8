package io.ret.server.cli;

import java.nio.file.Path;
import java.time.Duration;

import picocli.CommandLine.Option;

/** The options every client command takes: which server, how to reach it, how to answer. */
public final class ClientOptions {
    @Option(names = "--server", paramLabel = "HOST:PORT",
            description = "The RET server (default: $RET_SERVER, else localhost:50051). "
                    + "http:// means plaintext, https:// TLS.")
    String server;

    @Option(names = "--tls", description = "Use TLS (the default for servers other than localhost).")
    boolean tls;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "Trust the CA certificates in this PEM file (implies --tls; default: $RET_CA, else the system's).")
    Path ca;

    @Option(names = "--client-cert", paramLabel = "FILE",
            description = "Client certificate (PEM chain) for servers that require one, mutual TLS (implies --tls; "
                    + "default: $RET_CLIENT_CERT). Needs --client-key.")
    Path cert;

    @Option(names = "--client-key", paramLabel = "FILE",
            description = "Private key of --client-cert (PEM, PKCS#8; default: $RET_CLIENT_KEY).")
    Path key;

    @Option(names = "--plaintext", description = "No TLS (the default for localhost).")
    boolean plaintext;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: one JSON document, or JSON lines for streams.")
    Output.Format output;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Deadline of each call in seconds (default ${DEFAULT-VALUE}); watching and chat "
                    + "streams get a long one.")
    long timeoutSeconds;

    Duration timeout() {
        return Duration.ofSeconds(Math.max(1, timeoutSeconds));
    }
}
