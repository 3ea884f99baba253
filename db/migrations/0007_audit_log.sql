-- The security audit log per tenant: sign-ins, failed sign-ins, configuration changes and
-- overrides. Rows are only ever inserted; the API has no way to change or delete one.
CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  actor_id BIGINT UNSIGNED NULL,
  action VARCHAR(60) NOT NULL,
  detail VARCHAR(500) NOT NULL,
  address VARCHAR(64) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY audit_log_tenant (tenant_id, id),
  CONSTRAINT audit_log_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;
