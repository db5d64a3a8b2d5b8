package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 abuse, sent as hand-written frames over a plain socket: a rapid-reset burst
 * (CVE-2023-44487) and a ping flood each get the connection closed with GOAWAY
 * ENHANCE_YOUR_CALM, and the server keeps serving everyone else.
 */
class Http2AbuseTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int GOAWAY = 0x7;
    private static final int END_HEADERS = 0x4;
    private static final int CANCEL = 0x8;
    private static final int ENHANCE_YOUR_CALM = 0xb;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder()
                .set("ret.grpc.http2.max.resets", "100")
                .set("ret.grpc.http2.reset.window", "PT10S")
                .set("ret.grpc.keepalive.permit.time", "PT10S")
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRapidResetBurstEndsThatConnectionAndTheServerStaysHealthy() throws Exception {
        try (Socket socket = open()) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            byte[] headers = requestHeaders("/grpc.health.v1.Health/Check");
            for (int stream = 1; stream < 2 * 5000; stream += 2) {
                frame(out, HEADERS, END_HEADERS, stream, headers);
                frame(out, RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(CANCEL).array());
            }
            flushIgnoringReset(out);
            assertThat(goAwayCode(socket)).as("GOAWAY error code").isEqualTo(ENHANCE_YOUR_CALM);
        }
        assertServing();
    }

    @Test
    void aPingFloodEndsThatConnectionAndTheServerStaysHealthy() throws Exception {
        try (Socket socket = open()) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            for (int i = 0; i < 1000; i++) {
                frame(out, PING, 0, 0, ByteBuffer.allocate(8).putLong(i).array());
            }
            flushIgnoringReset(out);
            assertThat(goAwayCode(socket)).as("GOAWAY error code").isEqualTo(ENHANCE_YOUR_CALM);
        }
        assertServing();
    }

    private static void assertServing() {
        assertThat(HealthGrpc.newBlockingStub(server.channel()).check(HealthCheckRequest.getDefaultInstance())
                .getStatus()).isEqualTo(ServingStatus.SERVING);
        String token = server.adminToken();
        for (int i = 0; i < 20; i++) {
            assertThat(TestServer.bearer(server.auth(), token).whoAmI(WhoAmIRequest.getDefaultInstance()).getUsername())
                    .isEqualTo(TestServer.ADMIN_USERNAME);
        }
    }

    private static Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.server().grpcPort());
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        out.write(PREFACE);
        frame(out, SETTINGS, 0, 0, new byte[0]);
        out.flush();
        return socket;
    }

    /** The server may close the socket while the burst is still being written; that is its answer, read below. */
    private static void flushIgnoringReset(OutputStream out) {
        try {
            out.flush();
        } catch (IOException closedByServer) {
            // the GOAWAY sent before closing is still in our receive buffer
        }
    }

    /** Reads frames until a GOAWAY; its error code (-1 if the connection ended without one). */
    private static int goAwayCode(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        try {
            while (true) {
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                in.readUnsignedByte(); // flags
                in.readInt(); // stream
                byte[] payload = in.readNBytes(length);
                if (type == GOAWAY) {
                    return ByteBuffer.wrap(payload, 4, 4).getInt();
                }
            }
        } catch (EOFException | SocketTimeoutException e) {
            return -1;
        } catch (IOException reset) {
            return -1;
        }
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(ByteBuffer.allocate(4).putInt(stream).array());
        out.write(payload);
    }

    /** HPACK without Huffman or dynamic table: static-table entries and literals never indexed. */
    private static byte[] requestHeaders(String path) {
        var block = new java.io.ByteArrayOutputStream();
        block.write(0x83); // :method POST
        block.write(0x86); // :scheme http
        literal(block, 0x04, null, path); // :path
        literal(block, 0x01, null, "localhost"); // :authority
        block.write(0x0f); // content-type (static index 31: 15 + 16)
        block.write(0x10);
        string(block, "application/grpc");
        literal(block, 0x00, "te", "trailers");
        return block.toByteArray();
    }

    private static void literal(java.io.ByteArrayOutputStream block, int nameIndex, String name, String value) {
        block.write(nameIndex); // literal header field without indexing (0000xxxx)
        if (name != null) {
            string(block, name);
        }
        string(block, value);
    }

    private static void string(java.io.ByteArrayOutputStream block, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > 126) {
            throw new IllegalArgumentException("too long for a one-byte length");
        }
        block.write(bytes.length);
        block.writeBytes(bytes);
    }
}
