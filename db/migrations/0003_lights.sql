-- Traffic lights: business calendars, thresholds, which statuses run which clock, supplier
-- requests, each ticket's light state and due instants, breach records and the leases that
-- make the sweeper run once per installation.

ALTER TABLE tenants ADD COLUMN IF NOT EXISTS calendar JSON NULL;
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS lights_version BIGINT UNSIGNED NOT NULL DEFAULT 1;

-- Levels: 1 response to the customer, 2 supplier response to us, 3 communication.
ALTER TABLE statuses ADD COLUMN IF NOT EXISTS clocks SET('response','supplier','communication') NOT NULL DEFAULT 'response,supplier,communication';

CREATE TABLE IF NOT EXISTS light_thresholds (
  tenant_id BIGINT UNSIGNED NOT NULL,
  priority ENUM('low','normal','high','urgent') NOT NULL,
  level TINYINT UNSIGNED NOT NULL,
  enabled TINYINT(1) NOT NULL DEFAULT 1,
  amber_minutes INT UNSIGNED NOT NULL,
  red_minutes INT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, priority, level),
  CONSTRAINT light_thresholds_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS suppliers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY suppliers_tenant_name (tenant_id, name),
  CONSTRAINT suppliers_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS supplier_requests (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  supplier_id BIGINT UNSIGNED NOT NULL,
  question TEXT NOT NULL,
  opened_by BIGINT UNSIGNED NOT NULL,
  opened_at DATETIME(6) NOT NULL,
  answered_by BIGINT UNSIGNED NULL,
  answered_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY supplier_requests_tenant_ticket (tenant_id, ticket_id, id),
  KEY supplier_requests_tenant_supplier (tenant_id, supplier_id, opened_at),
  CONSTRAINT supplier_requests_ticket_fk FOREIGN KEY (ticket_id) REFERENCES tickets (id),
  CONSTRAINT supplier_requests_supplier_fk FOREIGN KEY (supplier_id) REFERENCES suppliers (id)
) ENGINE=InnoDB;

-- One row per ticket and level. A cycle runs from cycle_started_at until it is answered;
-- running_since is NULL while the status pauses the clock, accrued_seconds holds the business
-- time of finished segments. amber_at/red_at are the instants the light turns, so "is it red
-- now" is an index comparison with the current time.
CREATE TABLE IF NOT EXISTS ticket_lights (
  tenant_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  level TINYINT UNSIGNED NOT NULL,
  cycle_started_at DATETIME(6) NULL,
  running_since DATETIME(6) NULL,
  accrued_seconds BIGINT NOT NULL DEFAULT 0,
  amber_at DATETIME(6) NULL,
  red_at DATETIME(6) NULL,
  amber_recorded TINYINT(1) NOT NULL DEFAULT 0,
  red_recorded TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, ticket_id, level),
  KEY ticket_lights_cycle (tenant_id, level, cycle_started_at),
  KEY ticket_lights_amber (tenant_id, level, amber_at),
  KEY ticket_lights_red (tenant_id, level, red_at),
  KEY ticket_lights_sweep_red (red_recorded, red_at),
  KEY ticket_lights_sweep_amber (amber_recorded, amber_at),
  CONSTRAINT ticket_lights_ticket_fk FOREIGN KEY (ticket_id) REFERENCES tickets (id)
) ENGINE=InnoDB;

-- Each time a light turned amber or red, recorded once by the sweeper even if nobody looked.
CREATE TABLE IF NOT EXISTS light_breaches (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  level TINYINT UNSIGNED NOT NULL,
  colour ENUM('amber','red') NOT NULL,
  cycle_started_at DATETIME(6) NOT NULL,
  turned_at DATETIME(6) NOT NULL,
  assignee_id BIGINT UNSIGNED NULL,
  recorded_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY light_breaches_once (tenant_id, ticket_id, level, colour, cycle_started_at),
  KEY light_breaches_tenant_time (tenant_id, turned_at),
  CONSTRAINT light_breaches_ticket_fk FOREIGN KEY (ticket_id) REFERENCES tickets (id)
) ENGINE=InnoDB;

-- Work that runs once per installation takes a lease here; another host takes over when it expires.
CREATE TABLE IF NOT EXISTS leases (
  name VARCHAR(60) NOT NULL,
  holder VARCHAR(100) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB;

UPDATE statuses SET clocks = 'supplier' WHERE category = 'waiting_customer';
UPDATE statuses SET clocks = '' WHERE category IN ('deferred', 'resolved', 'closed');

-- The sweeper recomputes every open ticket's lights when lights_version moves past this.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS lights_done_version BIGINT UNSIGNED NOT NULL DEFAULT 1;
