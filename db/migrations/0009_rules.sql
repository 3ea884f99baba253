-- Rules the tenant admin writes: a trigger, conditions on ticket fields, ordered actions.
-- They run in position order; every firing is on the ticket's timeline.
CREATE TABLE IF NOT EXISTS rules (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  position INT NOT NULL,
  enabled TINYINT(1) NOT NULL DEFAULT 1,
  trigger_on ENUM('created','updated','status_changed','note_added','light_amber','light_red') NOT NULL,
  conditions JSON NOT NULL,
  actions JSON NOT NULL,
  PRIMARY KEY (id),
  KEY rules_tenant (tenant_id, position),
  CONSTRAINT rules_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

-- Notes a rule adds have no human author.
ALTER TABLE notes MODIFY author_id BIGINT UNSIGNED NULL;
