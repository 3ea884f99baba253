-- A customer's reply on a resolved ticket reopens it within the pipeline's reopen window; later
-- (or on a closed ticket) it starts a new ticket that follows the old one.
ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS reopen_days INT UNSIGNED NOT NULL DEFAULT 14;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS follows_id BIGINT UNSIGNED NULL;
