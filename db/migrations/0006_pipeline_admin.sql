-- Statuses that demand a note on entry (e.g. a resolution note to enter Resolved), set by the
-- tenant admin per status.
ALTER TABLE statuses ADD COLUMN IF NOT EXISTS require_note TINYINT(1) NOT NULL DEFAULT 0;
