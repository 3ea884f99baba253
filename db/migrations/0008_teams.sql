-- Teams: agents and managers belong to teams; a pipeline may belong to one. Where a tenant
-- does not open every ticket to every agent (settings.agents_see_all = false), staff see the
-- tickets of their teams' pipelines and those assigned to them.
CREATE TABLE IF NOT EXISTS teams (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(60) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY teams_tenant_name (tenant_id, name),
  CONSTRAINT teams_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS team_members (
  tenant_id BIGINT UNSIGNED NOT NULL,
  team_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, team_id, user_id),
  KEY team_members_user (tenant_id, user_id, team_id),
  CONSTRAINT team_members_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
  CONSTRAINT team_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS team_id BIGINT UNSIGNED NULL;
