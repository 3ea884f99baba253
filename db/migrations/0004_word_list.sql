-- The neutral-language check: each tenant's list of words, phrases and prefix patterns.
CREATE TABLE IF NOT EXISTS word_list (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id BIGINT UNSIGNED NOT NULL,
  term VARCHAR(100) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY word_list_tenant_term (tenant_id, term),
  CONSTRAINT word_list_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;
