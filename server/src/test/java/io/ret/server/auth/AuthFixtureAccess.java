package io.ret.server.auth;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The refusal helper for tests outside this package. */
public final class AuthFixtureAccess {
    private AuthFixtureAccess() {
    }

    public static StatusRuntimeException refused(Runnable call, Status.Code code, String reason) {
        return AuthFixture.refused(call, code, reason);
    }
}
