-- One key sealed again under the current key encryption key, with its id; only if it is still the value
-- that was read (a key set through the API meanwhile is already sealed under the current key). Answers
-- nothing otherwise.
UPDATE workspace
SET kapso_api_key_enc = CAST(:#kapsoKeyEnc AS text),
    kapso_api_key_id = CAST(:#kapsoKeyId AS text)
WHERE id = :#workspaceId
  AND kapso_api_key_enc = CAST(:#wasKeyEnc AS text)
RETURNING id
