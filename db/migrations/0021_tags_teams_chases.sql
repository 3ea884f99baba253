-- Rule actions that set a ticket's team and tags, and time rules that repeat (chasing a ticket
-- every N minutes while it stays in a status). Each repetition is its own firing row, so a due
-- instant fires once, across scheduler restarts.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS team_id BIGINT UNSIGNED NULL;

CREATE TABLE IF NOT EXISTS ticket_tags (
  tenant_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  tag VARCHAR(40) NOT NULL,
  PRIMARY KEY (tenant_id, ticket_id, tag),
  KEY ticket_tags_tag (tenant_id, tag, ticket_id),
  CONSTRAINT ticket_tags_ticket_fk FOREIGN KEY (ticket_id) REFERENCES tickets (id)
) ENGINE=InnoDB;

ALTER TABLE rules ADD COLUMN IF NOT EXISTS repeat_minutes INT UNSIGNED NULL;
ALTER TABLE rule_firings ADD COLUMN IF NOT EXISTS due_index INT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE rule_firings DROP PRIMARY KEY, ADD PRIMARY KEY (tenant_id, rule_id, ticket_id, since, due_index);
