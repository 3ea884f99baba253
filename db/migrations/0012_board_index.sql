-- The board's "longest red" list orders a tenant's red lights by when they turned, across
-- levels: this index serves it as a range read that stops at the limit.
ALTER TABLE ticket_lights ADD INDEX IF NOT EXISTS ticket_lights_tenant_red (tenant_id, red_at);
