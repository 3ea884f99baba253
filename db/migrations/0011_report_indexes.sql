-- Reports read the timeline by kind and time (resolutions per day) and tickets by creation time.
ALTER TABLE ticket_events ADD INDEX IF NOT EXISTS ticket_events_tenant_kind_time (tenant_id, kind, created_at);
ALTER TABLE tickets ADD INDEX IF NOT EXISTS tickets_tenant_created (tenant_id, created_at);
