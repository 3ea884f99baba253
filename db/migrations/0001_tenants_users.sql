-- The tenant directory, users, sessions and signing keys.
-- Every tenant-owned table carries tenant_id as the leading column of its keys.

CREATE TABLE IF NOT EXISTS tenants (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  slug VARCHAR(40) NOT NULL,
  name VARCHAR(100) NOT NULL,
  status ENUM('active','suspended') NOT NULL DEFAULT 'active',
  time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC',
  shard VARCHAR(40) NOT NULL DEFAULT 'main',
  branding JSON NOT NULL,
  settings JSON NOT NULL,
  config_version BIGINT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY tenants_slug (slug)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS tenant_domains (
  domain VARCHAR(253) NOT NULL,
  tenant_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (domain),
  KEY tenant_domains_tenant (tenant_id),
  CONSTRAINT tenant_domains_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS signing_keys (
  tenant_id BIGINT UNSIGNED NOT NULL,
  kid CHAR(16) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  retired_at DATETIME(6) NULL,
  PRIMARY KEY (tenant_id, kid),
  CONSTRAINT signing_keys_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS companies (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY companies_tenant_name (tenant_id, name),
  CONSTRAINT companies_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS users (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  email VARCHAR(254) NOT NULL,
  name VARCHAR(100) NOT NULL,
  role ENUM('admin','manager','agent','customer') NOT NULL,
  company_id BIGINT UNSIGNED NULL,
  password_hash VARCHAR(255) NOT NULL,
  disabled TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY users_tenant_email (tenant_id, email),
  KEY users_tenant_role (tenant_id, role, name),
  KEY users_tenant_company (tenant_id, company_id),
  CONSTRAINT users_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT users_company_fk FOREIGN KEY (company_id) REFERENCES companies (id)
) ENGINE=InnoDB;

-- One row per sign-in. Every request checks its row, so logout, a password change or a role
-- change takes effect on the next request, not at token expiry.
CREATE TABLE IF NOT EXISTS sessions (
  id CHAR(32) NOT NULL,
  tenant_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  csrf_token CHAR(32) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  expires_at DATETIME(6) NOT NULL,
  revoked_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY sessions_tenant_user (tenant_id, user_id),
  CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

-- Failed sign-ins per account and per address, in fixed windows; rows work across hosts.
CREATE TABLE IF NOT EXISTS login_failures (
  scope VARCHAR(300) NOT NULL,
  window_start DATETIME NOT NULL,
  failures INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (scope)
) ENGINE=InnoDB;
