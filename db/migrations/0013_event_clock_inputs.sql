-- Every clock explains itself: each timeline event records the ticket's priority and status
-- right after the change, so a ticket's lights can be replayed from its timeline alone and
-- compared with the stored due instants. NULL on events recorded before this migration.
ALTER TABLE ticket_events ADD COLUMN IF NOT EXISTS priority ENUM('low','normal','high','urgent') NULL;
ALTER TABLE ticket_events ADD COLUMN IF NOT EXISTS status_id BIGINT UNSIGNED NULL;
