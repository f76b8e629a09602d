package dev.leadline.admin;

import java.security.MessageDigest;

import dev.leadline.api.ApiTokens;
import dev.leadline.web.ApiException;
import dev.leadline.web.AuthAttempts;

/**
 * Guards /api/admin: the bearer token must be admin.token. With no admin token configured the admin
 * API is off and answers 404, as if it did not exist. A set admin token must be long enough that it
 * can't be guessed: the service refuses to start with a shorter one.
 */
public final class AdminAuth {

    public static final int MIN_TOKEN_LENGTH = 32;

    private final byte[] adminTokenHash;
    private final AuthAttempts attempts;

    public AdminAuth(String adminToken, AuthAttempts attempts) {
        this.attempts = attempts;
        if (adminToken == null || adminToken.isBlank()) {
            this.adminTokenHash = null;
            return;
        }
        String token = adminToken.strip();
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("admin.token (ADMIN_TOKEN) has " + token.length() + " characters; it needs at least "
                    + MIN_TOKEN_LENGTH + " (e.g. openssl rand -hex 24), or leave it empty to turn the admin API off");
        }
        this.adminTokenHash = ApiTokens.sha256(token);
    }

    public void require(String authorization, String clientAddress) {
        if (adminTokenHash == null) {
            throw ApiException.notFound("the admin API is off: set admin.token (ADMIN_TOKEN) to turn it on");
        }
        byte[] presented = ApiTokens.presentedHash(authorization);
        if (!MessageDigest.isEqual(adminTokenHash, presented)) {
            attempts.recordFailure(clientAddress, "wrong admin token");
            throw ApiException.unauthorized("the admin API needs 'Authorization: Bearer <admin.token>'");
        }
    }
}
