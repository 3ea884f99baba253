-- Performance reports read notes by time (first responses, replies and handled tickets in a
-- range) and supplier requests by when they were answered.
ALTER TABLE notes ADD INDEX IF NOT EXISTS notes_tenant_created (tenant_id, created_at);
ALTER TABLE supplier_requests ADD INDEX IF NOT EXISTS supplier_requests_tenant_answered (tenant_id, answered_at);
