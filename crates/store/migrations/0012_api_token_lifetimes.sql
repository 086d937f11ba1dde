-- API tokens expire and are revoked with a time; their last use is kept apart (it changes
-- on every call and is not a change of the token, so it is not audited).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;

CREATE TABLE api_token_uses (
    token_id BIGINT PRIMARY KEY REFERENCES api_tokens(id),
    last_used_at TEXT NOT NULL
);
