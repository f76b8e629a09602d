package dev.leadline.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

import dev.leadline.web.ApiException;

/** Bearer tokens: only their SHA-256 is stored, so the lookup hashes what the caller presents. */
public final class ApiTokens {

    private static final String BEARER = "Bearer ";

    public byte[] bearerHash(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || authorization.length() == BEARER.length()) {
            throw ApiException.unauthorized("send 'Authorization: Bearer <workspace API token>'");
        }
        return sha256(authorization.substring(BEARER.length()).trim());
    }

    public void requireWorkspace(Map<String, Object> workspace) {
        if (workspace == null) {
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
