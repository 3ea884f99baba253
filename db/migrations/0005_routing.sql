-- Skill-based assignment: skills with levels per agent, capacity and availability, categories
-- that name the skill they need, the minimum level per priority, and where a pipeline sends
-- new tickets and those no agent can take.

CREATE TABLE IF NOT EXISTS skills (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(60) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY skills_tenant_name (tenant_id, name),
  CONSTRAINT skills_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS user_skills (
  tenant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  skill_id BIGINT UNSIGNED NOT NULL,
  level TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, user_id, skill_id),
  KEY user_skills_skill (tenant_id, skill_id, level),
  CONSTRAINT user_skills_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT user_skills_skill_fk FOREIGN KEY (skill_id) REFERENCES skills (id)
) ENGINE=InnoDB;

ALTER TABLE users ADD COLUMN IF NOT EXISTS capacity INT UNSIGNED NOT NULL DEFAULT 10;
ALTER TABLE users ADD COLUMN IF NOT EXISTS availability ENUM('available','away') NOT NULL DEFAULT 'available';
ALTER TABLE users ADD COLUMN IF NOT EXISTS last_assigned_at DATETIME(6) NULL;

CREATE TABLE IF NOT EXISTS categories (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(60) NOT NULL,
  skill_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY categories_tenant_name (tenant_id, name),
  CONSTRAINT categories_skill_fk FOREIGN KEY (skill_id) REFERENCES skills (id)
) ENGINE=InnoDB;

-- The lowest skill level that may take a ticket of each priority.
CREATE TABLE IF NOT EXISTS priority_levels (
  tenant_id BIGINT UNSIGNED NOT NULL,
  priority ENUM('low','normal','high','urgent') NOT NULL,
  min_level TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, priority),
  CONSTRAINT priority_levels_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

-- intake: 'manual' leaves new tickets unassigned; 'router' assigns them by skill; 'triage' leaves them for the pipeline's
-- manager first. Tickets nobody can take wait in the fallback queue, and its manager is told.
ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS intake ENUM('manual','router','triage') NOT NULL DEFAULT 'manual';
ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS manager_id BIGINT UNSIGNED NULL;

ALTER TABLE tickets ADD COLUMN IF NOT EXISTS category_id BIGINT UNSIGNED NULL;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS queue ENUM('triage','fallback') NULL;
ALTER TABLE tickets ADD INDEX IF NOT EXISTS tickets_tenant_queue (tenant_id, queue, number);

-- In-app notifications: escalations and notices land in a user's inbox.
CREATE TABLE IF NOT EXISTS notifications (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NULL,
  kind VARCHAR(40) NOT NULL,
  message VARCHAR(300) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  read_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY notifications_user (tenant_id, user_id, id),
  CONSTRAINT notifications_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;
