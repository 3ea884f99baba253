-- Pipelines with their statuses and transitions, tickets, worknotes, the timeline and
-- idempotency records.

CREATE TABLE IF NOT EXISTS pipelines (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  pkey VARCHAR(40) NOT NULL,
  name VARCHAR(100) NOT NULL,
  is_default TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY pipelines_tenant_key (tenant_id, pkey),
  CONSTRAINT pipelines_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS statuses (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  pipeline_id BIGINT UNSIGNED NOT NULL,
  skey VARCHAR(40) NOT NULL,
  staff_name VARCHAR(60) NOT NULL,
  customer_name VARCHAR(60) NOT NULL,
  category ENUM('new','active','waiting_customer','waiting_supplier','deferred','resolved','closed') NOT NULL,
  color CHAR(7) NOT NULL DEFAULT '#64748b',
  position INT NOT NULL,
  is_entry TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY statuses_tenant_pipeline_key (tenant_id, pipeline_id, skey),
  CONSTRAINT statuses_pipeline_fk FOREIGN KEY (pipeline_id) REFERENCES pipelines (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS status_transitions (
  tenant_id BIGINT UNSIGNED NOT NULL,
  from_status_id BIGINT UNSIGNED NOT NULL,
  to_status_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, from_status_id, to_status_id),
  CONSTRAINT status_transitions_from_fk FOREIGN KEY (from_status_id) REFERENCES statuses (id),
  CONSTRAINT status_transitions_to_fk FOREIGN KEY (to_status_id) REFERENCES statuses (id)
) ENGINE=InnoDB;

-- Ticket numbers per tenant, taken in the same transaction as the insert they number.
CREATE TABLE IF NOT EXISTS ticket_counters (
  tenant_id BIGINT UNSIGNED NOT NULL,
  last_number BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id),
  CONSTRAINT ticket_counters_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS tickets (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  number BIGINT UNSIGNED NOT NULL,
  pipeline_id BIGINT UNSIGNED NOT NULL,
  status_id BIGINT UNSIGNED NOT NULL,
  subject VARCHAR(200) NOT NULL,
  description MEDIUMTEXT NOT NULL,
  priority ENUM('low','normal','high','urgent') NOT NULL DEFAULT 'normal',
  customer_id BIGINT UNSIGNED NOT NULL,
  company_id BIGINT UNSIGNED NULL,
  assignee_id BIGINT UNSIGNED NULL,
  created_by BIGINT UNSIGNED NOT NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY tickets_tenant_number (tenant_id, number),
  KEY tickets_tenant_status (tenant_id, status_id, number),
  KEY tickets_tenant_assignee (tenant_id, assignee_id, number),
  KEY tickets_tenant_customer (tenant_id, customer_id, number),
  KEY tickets_tenant_company (tenant_id, company_id, number),
  KEY tickets_tenant_priority (tenant_id, priority, number),
  CONSTRAINT tickets_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT tickets_status_fk FOREIGN KEY (status_id) REFERENCES statuses (id),
  CONSTRAINT tickets_customer_fk FOREIGN KEY (customer_id) REFERENCES users (id),
  CONSTRAINT tickets_assignee_fk FOREIGN KEY (assignee_id) REFERENCES users (id)
) ENGINE=InnoDB;

-- Worknotes are append-only: a correction is a new row that names the one it revises.
CREATE TABLE IF NOT EXISTS notes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  author_id BIGINT UNSIGNED NOT NULL,
  visibility ENUM('internal','public') NOT NULL,
  body MEDIUMTEXT NOT NULL,
  revises_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY notes_tenant_ticket (tenant_id, ticket_id, id),
  CONSTRAINT notes_ticket_fk FOREIGN KEY (ticket_id) REFERENCES tickets (id),
  CONSTRAINT notes_author_fk FOREIGN KEY (author_id) REFERENCES users (id)
) ENGINE=InnoDB;

-- The timeline: one row per change, written in the change's transaction, never updated.
CREATE TABLE IF NOT EXISTS ticket_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  actor_id BIGINT UNSIGNED NULL,
  kind VARCHAR(40) NOT NULL,
  data JSON NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ticket_events_tenant_ticket (tenant_id, ticket_id, id),
  CONSTRAINT ticket_events_ticket_fk FOREIGN KEY (ticket_id) REFERENCES tickets (id)
) ENGINE=InnoDB;

-- A create retried with the same Idempotency-Key returns the stored answer.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  tenant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  route VARCHAR(60) NOT NULL,
  idem_key VARCHAR(100) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  status SMALLINT UNSIGNED NOT NULL,
  response MEDIUMTEXT NOT NULL,
  location VARCHAR(200) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (tenant_id, user_id, route, idem_key),
  KEY idempotency_keys_created (created_at)
) ENGINE=InnoDB;
