package io.ret.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.OpsLog;
import io.ret.server.platform.security.Role;

/**
 * The first admin. There is no default password anywhere: it comes from
 * configuration (applied only while no admin exists) or, on a first embedded
 * run, is random and written once to a file readable only by its owner; the
 * log names the file, never the password.
 */
public final class AdminBootstrap {
    private AdminBootstrap() {
    }

    public static void ensureAdmin(AccountStore accounts, Credentials credentials, AuthSettings settings,
                                   boolean embedded, Path runtimeDir, OpsLog ops) {
        if (accounts.anyAdmin()) {
            return;
        }
        if (settings.bootstrapAdminUsername().isPresent()) {
            try {
                credentials.createAccount(settings.bootstrapAdminUsername().get(),
                        settings.bootstrapAdminPassword().orElseThrow().value(), "Administrator", Role.ADMIN,
                        Account.Kind.HUMAN);
            } catch (ApiException e) {
                if (e.kind() == ApiException.Kind.ALREADY_EXISTS) {
                    return; // another instance was first
                }
                throw new ConfigException("ret.bootstrap.admin", e.getMessage());
            }
            ops.record("auth", "bootstrap_admin", OpsLog.Severity.INFO,
                    "created admin '" + settings.bootstrapAdminUsername().get() + "' from configuration");
            return;
        }
        if (!embedded) {
            ops.record("auth", "no_admin", OpsLog.Severity.WARNING, "no admin exists; set RET_BOOTSTRAP_ADMIN_USERNAME"
                    + " and RET_BOOTSTRAP_ADMIN_PASSWORD to create one");
            return;
        }
        Path file = runtimeDir.resolve("bootstrap-admin.txt");
        String password = Secrets.randomToken(18);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            ops.record("auth", "no_admin", OpsLog.Severity.WARNING, "no admin exists and " + file
                    + " is already there; delete it to generate a new admin password");
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
        credentials.createAccount("admin", password, "Administrator", Role.ADMIN, Account.Kind.HUMAN);
        try {
            Files.writeString(file, "username: admin\npassword: " + password + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        ops.record("auth", "bootstrap_admin", OpsLog.Severity.INFO,
                "created admin 'admin'; its password is in " + file + " (readable by this user only)");
    }
}
