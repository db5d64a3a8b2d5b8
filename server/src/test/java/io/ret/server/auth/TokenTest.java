package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.grpc.Status;
import io.ret.api.v1.GetJwksRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Access tokens: only RET's own ES256 signatures with the right issuer,
 * audience and expiry pass; every other token is refused and audited; other
 * services can verify RET's tokens with the published JWKS alone.
 */
class TokenTest {
    private static TestServer server;
    private static User user;
    private static String validToken;
    private static ECKey serverKey;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        user = server.newUser("tokens");
        validToken = server.login(user.getUsername(), TestServer.PASSWORD).getAccessToken();
        JWKSet keys = JWKSet.load(server.config().runtimeDir().resolve("keys/jwt-signing.jwks.json").toFile());
        serverKey = keys.getKeys().getFirst().toECKey();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void rejects(String token, String reason) {
        refused(() -> AuthFixture.as(server, token).whoAmI(WhoAmIRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, reason);
    }

    private static JWTClaimsSet.Builder claims() throws Exception {
        JWTClaimsSet valid = SignedJWT.parse(validToken).getJWTClaimsSet();
        return new JWTClaimsSet.Builder(valid);
    }

    private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void theRealTokenWorks() {
        assertThat(AuthFixture.as(server, validToken).whoAmI(WhoAmIRequest.getDefaultInstance()).getId())
                .isEqualTo(user.getId());
    }

    @Test
    void aSignatureSpelledWithOtherUnusedBitsInItsLastCharacterIsRefused() {
        String[] parts = validToken.split("\\.");
        String signature = parts[2];
        // 64 signature bytes take 86 characters: the last one carries 2 bits of data and 4 unused ones
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = signature.charAt(signature.length() - 1);
        String respelled = signature.substring(0, signature.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        assertThat(Base64.getUrlDecoder().decode(respelled)).as("the same signature bytes")
                .isEqualTo(Base64.getUrlDecoder().decode(signature));

        rejects(parts[0] + "." + parts[1] + "." + respelled, "TOKEN_INVALID");
        theRealTokenWorks();
    }

    @Test
    void tamperedPayloadIsRefused() throws Exception {
        String[] parts = validToken.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace(user.getId(), TestServer.uniqueName("someone-else"));
        rejects(parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2], "TOKEN_INVALID");
        assertThat(AuthFixture.audit(server, "authentication.failed", "ret.v1.AuthService/WhoAmI")).isNotEmpty();
    }

    @Test
    void algNoneIsRefused() throws Exception {
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(StandardCharsets.UTF_8));
        String payload = validToken.split("\\.")[1];
        rejects(header + "." + payload + ".", "TOKEN_INVALID");
    }

    @Test
    void algorithmConfusionWithThePublicKeyAsHmacSecretIsRefused() throws Exception {
        byte[] publicKeyAsSecret = serverKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(serverKey.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims().build());
        jwt.sign(new MACSigner(publicKeyAsSecret));
        rejects(jwt.serialize(), "TOKEN_INVALID");
    }

    @Test
    void wrongAudienceOrIssuerIsRefusedEvenWhenSignedByRet() throws Exception {
        rejects(sign(serverKey, claims().audience("another-api").build()), "TOKEN_INVALID");
        rejects(sign(serverKey, claims().issuer("someone-else").build()), "TOKEN_INVALID");
    }

    @Test
    void expiredTokenIsRefusedAsExpired() throws Exception {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        rejects(sign(serverKey, claims().issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(60)))
                .build()), "TOKEN_EXPIRED");
    }

    @Test
    void aForeignKeyClaimingRetsKidIsRefused() throws Exception {
        ECKey foreign = new ECKeyGenerator(Curve.P_256).keyID(serverKey.getKeyID()).generate();
        rejects(sign(foreign, claims().build()), "TOKEN_INVALID");
    }

    @Test
    void garbageAndWrongSchemesAreRefused() {
        rejects("not-a-jwt", "TOKEN_MALFORMED");
        refused(() -> TestServer.header(server.auth(), "authorization", "Basic dXNlcjpwYXNz")
                .whoAmI(WhoAmIRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "TOKEN_MALFORMED");
    }

    @Test
    void anotherServiceVerifiesRetTokensWithTheJwksAlone() throws Exception {
        String fromGrpc = server.auth().getJwks(GetJwksRequest.getDefaultInstance()).getJwksJson();
        String fromHttp;
        try (HttpClient http = HttpClient.newHttpClient()) {
            fromHttp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().observePort()
                    + "/.well-known/jwks.json")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        assertThat(JWKSet.parse(fromHttp).toString()).isEqualTo(JWKSet.parse(fromGrpc).toString());
        JWKSet published = JWKSet.parse(fromHttp);
        assertThat(published.getKeys()).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());

        DefaultJWTProcessor<SecurityContext> verifier = new DefaultJWTProcessor<>();
        verifier.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        verifier.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(published)));
        JWTClaimsSet claims = verifier.process(validToken, null);
        assertThat(claims.getSubject()).isEqualTo(user.getId());
        assertThat(claims.getAudience()).isEqualTo(List.of("ret-api"));
        assertThat(claims.getIssuer()).isEqualTo("ret");
        assertThat(claims.getStringListClaim("roles")).containsExactly("user");
    }
}
