package dev.leadline.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

import dev.leadline.web.ApiException;
import dev.leadline.web.AuthAttempts;

/** Bearer tokens: only their SHA-256 is stored, so the lookup hashes what the caller presents. */
public final class ApiTokens {

    private static final String BEARER = "Bearer ";

    private final AuthAttempts attempts;

    public ApiTokens(AuthAttempts attempts) {
        this.attempts = attempts;
    }

    /** The statement parameters of workspace-by-token.sql: tokenHash, the presented token's SHA-256 (401 without one). */
    public Map<String, Object> bearerHash(String authorization) {
        return Map.of("tokenHash", presentedHash(authorization));
    }

    /** The SHA-256 of the bearer token in an Authorization header; 401 when there is none. */
    public static byte[] presentedHash(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || authorization.length() == BEARER.length()) {
            throw ApiException.unauthorized("send 'Authorization: Bearer <workspace API token>'");
        }
        return sha256(authorization.substring(BEARER.length()).trim());
    }

    /** The token's workspace, or 401, counted as a failed authentication of the client's address. */
    public void requireWorkspace(Map<String, Object> workspace, String clientAddress) {
        if (workspace == null) {
            attempts.recordFailure(clientAddress, "unknown or revoked API token");
            throw ApiException.unauthorized("the API token is unknown or revoked");
        }
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
