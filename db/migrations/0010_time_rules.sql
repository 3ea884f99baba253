-- Time-based rules: "a time elapsed in a status". Each ticket knows since when it is in its
-- status; each firing is a row, so a rule fires once per ticket and stay, across restarts.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS status_since DATETIME(6) NULL;
UPDATE tickets SET status_since = updated_at WHERE status_since IS NULL;
ALTER TABLE tickets ADD INDEX IF NOT EXISTS tickets_tenant_status_since (tenant_id, status_id, status_since);

ALTER TABLE rules MODIFY trigger_on ENUM('created','updated','status_changed','note_added','light_amber','light_red','time_in_status') NOT NULL;
ALTER TABLE rules ADD COLUMN IF NOT EXISTS minutes INT UNSIGNED NULL;
ALTER TABLE rules ADD COLUMN IF NOT EXISTS status_key VARCHAR(40) NULL;

CREATE TABLE IF NOT EXISTS rule_firings (
  tenant_id BIGINT UNSIGNED NOT NULL,
  rule_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  since DATETIME(6) NOT NULL,
  fired_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, rule_id, ticket_id, since),
  CONSTRAINT rule_firings_rule_fk FOREIGN KEY (rule_id) REFERENCES rules (id) ON DELETE CASCADE
) ENGINE=InnoDB;
