-- The board of a large tenant without a scan per request: running cycles and those past amber
-- and past red per pipeline and level, as of one instant, refreshed by the scheduler every few
-- seconds. A request adds what turned amber or red since that instant (a short index range),
-- so lights turning with time show at once; replies and moves show at the next refresh.
CREATE TABLE IF NOT EXISTS light_board_summary (
  tenant_id BIGINT UNSIGNED NOT NULL,
  pipeline_id BIGINT UNSIGNED NOT NULL,
  level TINYINT UNSIGNED NOT NULL,
  running BIGINT UNSIGNED NOT NULL,
  past_amber BIGINT UNSIGNED NOT NULL,
  past_red BIGINT UNSIGNED NOT NULL,
  as_of BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, pipeline_id, level),
  CONSTRAINT light_board_summary_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB;
