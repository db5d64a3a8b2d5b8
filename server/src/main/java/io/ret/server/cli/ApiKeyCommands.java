package io.ret.server.cli;

import io.ret.api.v1.ApiKey;
import io.ret.api.v1.CreateApiKeyRequest;
import io.ret.api.v1.CreateApiKeyResponse;
import io.ret.api.v1.ListApiKeysRequest;
import io.ret.api.v1.ListApiKeysResponse;
import io.ret.api.v1.RevokeApiKeyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ret admin apikeys ...}: keys of service accounts. */
@Command(name = "apikeys", description = "API keys of service accounts: list, create, revoke.",
        subcommands = {ApiKeyCommands.List.class, ApiKeyCommands.Create.class, ApiKeyCommands.Revoke.class})
final class ApiKeyCommands {
    private ApiKeyCommands() {
    }

    static void show(ApiKey k, Output out) {
        out.textf("%-36s  %-12s  %-36s  %s%s%n", k.getId(), k.getPrefix() + "…", k.getServiceAccountId(),
                k.getDescription(), k.hasRevokeTime() ? "  (revoked " + Output.time(k.getRevokeTime()) + ")" : "");
    }

    @Command(name = "list")
    static final class List extends ClientCommand {
        @Option(names = "--account", paramLabel = "USER") String account;
        @Option(names = "--revoked", description = "Include revoked keys.") boolean revoked;

        List(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            ListApiKeysResponse keys = AdminCommands.admin(client).listApiKeys(ListApiKeysRequest.newBuilder().setPageSize(200)
                    .setServiceAccountId(account == null ? "" : AdminCommands.user(client, account).getId())
                    .setIncludeRevoked(revoked).build());
            out.document(keys);
            keys.getApiKeysList().forEach(k -> show(k, out));
            return ExitCodes.OK;
        }
    }

    @Command(name = "create", description = "A key for a service account; the secret is shown once.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "SERVICE-ACCOUNT") String account;
        @Option(names = "--description") String description;

        Create(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            CreateApiKeyResponse created = AdminCommands.admin(client).createApiKey(CreateApiKeyRequest.newBuilder()
                    .setServiceAccountId(AdminCommands.user(client, account).getId())
                    .setDescription(description == null ? "" : description).build());
            out.document(created);
            show(created.getApiKey(), out);
            out.text("secret (shown once; use it as RET_API_KEY): " + created.getSecret());
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke")
    static final class Revoke extends ClientCommand {
        @Parameters(paramLabel = "KEY-ID") String keyId;

        Revoke(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            ApiKey key = AdminCommands.admin(client).revokeApiKey(RevokeApiKeyRequest.newBuilder().setApiKeyId(keyId).build());
            out.document(key);
            show(key, out);
            return ExitCodes.OK;
        }
    }
}
