package io.ret.server.platform.security;

public enum Role {
    USER,
    ADMIN
}
