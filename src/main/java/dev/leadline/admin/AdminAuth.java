package dev.leadline.admin;

import java.security.MessageDigest;

import dev.leadline.api.ApiTokens;
import dev.leadline.web.ApiException;

/**
 * Guards /api/admin: the bearer token must be admin.token. With no admin token configured the admin
 * API is off and answers 404, as if it did not exist.
 */
public final class AdminAuth {

    private final byte[] adminTokenHash;

    public AdminAuth(String adminToken) {
        this.adminTokenHash = adminToken == null || adminToken.isBlank() ? null : ApiTokens.sha256(adminToken.strip());
    }

    public void require(String authorization) {
        if (adminTokenHash == null) {
            throw ApiException.notFound("the admin API is off: set admin.token (ADMIN_TOKEN) to turn it on");
        }
        byte[] presented = new ApiTokens().bearerHash(authorization);
        if (!MessageDigest.isEqual(adminTokenHash, presented)) {
            throw ApiException.unauthorized("the admin API needs 'Authorization: Bearer <admin.token>'");
        }
    }
}
