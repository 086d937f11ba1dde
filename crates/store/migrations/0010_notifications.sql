-- Notifications through an outbox (通知): a message is written in the transaction of the
-- change that causes it and delivered afterwards by the server's worker.

-- One message. `idempotency_key` makes it unique (the same key queued twice is one
-- message) and is handed to the provider (SMS OutId, email Message-ID), so that a message
-- whose outcome was lost in a crash is looked up, never sent again blindly. `attempts`
-- counts the tries of the current round (a person's retry starts a new one); every try is
-- in notification_attempts. `recipient` is a mobile, an address, or for a robot the
-- scope of a configured group (`project:12`), empty for the default group. `audience`
-- says which staff see it (`union`, `relocation:TOWN`, empty for the platform's own).
CREATE TABLE notifications (
    id @ID@,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    markdown BOOLEAN NOT NULL DEFAULT FALSE,
    sms_template TEXT NOT NULL DEFAULT '',
    sms_params TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    provider_id TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT
);
CREATE INDEX notifications_due ON notifications(state, next_attempt_at);
CREATE INDEX notifications_audience ON notifications(audience, id);

-- Every try: when, how it ended (`started` until recorded: a row left `started` is a try
-- whose worker died), the provider's status and the start of its answer. A log, not
-- audited: the message's own entries record each change of its state.
CREATE TABLE notification_attempts (
    id @ID@,
    notification_id BIGINT NOT NULL REFERENCES notifications(id),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notification_attempts_message ON notification_attempts(notification_id, id);

-- Recipients who asked not to be sent messages on a channel: their messages are skipped
-- (cancelled with the reason) when their turn comes.
CREATE TABLE notification_optouts (
    id @ID@,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (channel, recipient)
);

-- A project's or a union's own group robot, overriding the default from the environment.
-- The webhook (its token) and the signing secret are secrets: the audit log keeps digests.
-- `report_at` (HH:MM, Asia/Shanghai) is when the worker sends a project's daily report to
-- it on its own; empty for on demand only.
CREATE TABLE notification_routes (
    id @ID@,
    scope TEXT NOT NULL,
    channel TEXT NOT NULL,
    webhook TEXT NOT NULL,
    secret TEXT NOT NULL DEFAULT '',
    report_at TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    UNIQUE (scope, channel)
);
