-- The triggers of 0025 and 0026 again, each behind a test of its own: a row change that cannot
-- move a fact (an event that is not a status move, an internal note without an author, a ticket
-- update that keeps every copied column, a user whose role stays on the same side of staff) no
-- longer runs the trigger's statement. Most changes are of that kind: a new ticket routed by skill
-- with three rules firing writes seven timeline events, none of them a status move.
--
-- A session that sets @portal_bulk_load (the benchmark's data generator, loading millions of
-- rows set-based) runs none of them, and rebuilds the facts of what it loaded afterwards with
-- `portalctl reports rebuild`. Nothing else sets it.

DROP TRIGGER IF EXISTS report_tickets_insert;
CREATE TRIGGER report_tickets_insert AFTER INSERT ON tickets FOR EACH ROW
IF @portal_bulk_load IS NULL THEN
INSERT INTO report_tickets (tenant_id, ticket_id, created_at, status_id, pipeline_id, team_id, assignee_id, priority,
  category_id, company_id)
VALUES (NEW.tenant_id, NEW.id, NEW.created_at, NEW.status_id, NEW.pipeline_id, NEW.team_id, NEW.assignee_id,
  NEW.priority, NEW.category_id, NEW.company_id)
ON DUPLICATE KEY UPDATE created_at = VALUES(created_at), status_id = VALUES(status_id); END IF;

DROP TRIGGER IF EXISTS report_tickets_update;
CREATE TRIGGER report_tickets_update AFTER UPDATE ON tickets FOR EACH ROW
IF @portal_bulk_load IS NULL AND NOT (NEW.created_at <=> OLD.created_at AND NEW.status_id <=> OLD.status_id AND NEW.pipeline_id <=> OLD.pipeline_id
    AND NEW.team_id <=> OLD.team_id AND NEW.assignee_id <=> OLD.assignee_id AND NEW.priority <=> OLD.priority
    AND NEW.category_id <=> OLD.category_id AND NEW.company_id <=> OLD.company_id) THEN
UPDATE report_tickets SET created_at = NEW.created_at, status_id = NEW.status_id, pipeline_id = NEW.pipeline_id,
  team_id = NEW.team_id, assignee_id = NEW.assignee_id, priority = NEW.priority, category_id = NEW.category_id,
  company_id = NEW.company_id
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.id; END IF;

DROP TRIGGER IF EXISTS report_moves_ticket_update;
CREATE TRIGGER report_moves_ticket_update AFTER UPDATE ON tickets FOR EACH ROW
IF @portal_bulk_load IS NULL AND NOT (NEW.created_at <=> OLD.created_at AND NEW.pipeline_id <=> OLD.pipeline_id
    AND NEW.team_id <=> OLD.team_id AND NEW.assignee_id <=> OLD.assignee_id AND NEW.priority <=> OLD.priority
    AND NEW.category_id <=> OLD.category_id AND NEW.company_id <=> OLD.company_id) THEN
UPDATE report_moves SET created_at = NEW.created_at, pipeline_id = NEW.pipeline_id, team_id = NEW.team_id,
  assignee_id = NEW.assignee_id, priority = NEW.priority, category_id = NEW.category_id, company_id = NEW.company_id
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.id
  AND NOT (NEW.created_at <=> OLD.created_at AND NEW.pipeline_id <=> OLD.pipeline_id AND NEW.team_id <=> OLD.team_id
    AND NEW.assignee_id <=> OLD.assignee_id AND NEW.priority <=> OLD.priority
    AND NEW.category_id <=> OLD.category_id AND NEW.company_id <=> OLD.company_id); END IF;

DROP TRIGGER IF EXISTS report_touches_ticket_update;
CREATE TRIGGER report_touches_ticket_update AFTER UPDATE ON tickets FOR EACH ROW
IF @portal_bulk_load IS NULL AND NOT (NEW.pipeline_id <=> OLD.pipeline_id AND NEW.team_id <=> OLD.team_id
    AND NEW.assignee_id <=> OLD.assignee_id AND NEW.priority <=> OLD.priority
    AND NEW.category_id <=> OLD.category_id AND NEW.company_id <=> OLD.company_id) THEN
UPDATE report_touches SET pipeline_id = NEW.pipeline_id, team_id = NEW.team_id, assignee_id = NEW.assignee_id,
  priority = NEW.priority, category_id = NEW.category_id, company_id = NEW.company_id
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.id
  AND NOT (NEW.pipeline_id <=> OLD.pipeline_id AND NEW.team_id <=> OLD.team_id
    AND NEW.assignee_id <=> OLD.assignee_id AND NEW.priority <=> OLD.priority
    AND NEW.category_id <=> OLD.category_id AND NEW.company_id <=> OLD.company_id); END IF;

DROP TRIGGER IF EXISTS report_first_reply_insert;
CREATE TRIGGER report_first_reply_insert AFTER INSERT ON notes FOR EACH ROW
IF @portal_bulk_load IS NULL AND NEW.visibility = 'public' THEN
UPDATE report_tickets SET first_reply_id = NEW.id, first_reply_at = NEW.created_at, first_reply_by = NEW.author_id
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.ticket_id AND NEW.visibility = 'public'
  AND (first_reply_at IS NULL OR NEW.created_at < first_reply_at
    OR (NEW.created_at = first_reply_at AND NEW.id < first_reply_id))
  AND EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.author_id
    AND u.role <> 'customer'); END IF;

DROP TRIGGER IF EXISTS report_first_reply_update;
CREATE TRIGGER report_first_reply_update AFTER UPDATE ON notes FOR EACH ROW
IF @portal_bulk_load IS NULL THEN
UPDATE report_tickets rt SET
  rt.first_reply_id = (SELECT n.id FROM notes n JOIN users u ON u.id = n.author_id AND u.tenant_id = n.tenant_id
    WHERE n.tenant_id = rt.tenant_id AND n.ticket_id = rt.ticket_id AND n.visibility = 'public'
      AND u.role <> 'customer' ORDER BY n.created_at, n.id LIMIT 1),
  rt.first_reply_at = (SELECT n.created_at FROM notes n WHERE n.id = rt.first_reply_id),
  rt.first_reply_by = (SELECT n.author_id FROM notes n WHERE n.id = rt.first_reply_id)
WHERE rt.tenant_id = NEW.tenant_id AND rt.ticket_id IN (NEW.ticket_id, OLD.ticket_id); END IF;

DROP TRIGGER IF EXISTS report_touches_note_insert;
CREATE TRIGGER report_touches_note_insert AFTER INSERT ON notes FOR EACH ROW
IF @portal_bulk_load IS NULL AND NEW.author_id IS NOT NULL THEN
INSERT INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, first_reply_at, last_reply_at,
  pipeline_id, team_id, assignee_id, priority, category_id, company_id)
SELECT NEW.tenant_id, NEW.ticket_id, NEW.author_id, NEW.created_at, NEW.created_at, NEW.visibility = 'public',
  IF(NEW.visibility = 'public', NEW.created_at, NULL), IF(NEW.visibility = 'public', NEW.created_at, NULL),
  t.pipeline_id, t.team_id, t.assignee_id, t.priority, t.category_id, t.company_id
FROM tickets t WHERE t.id = NEW.ticket_id AND t.tenant_id = NEW.tenant_id AND NEW.author_id IS NOT NULL
ON DUPLICATE KEY UPDATE first_at = LEAST(first_at, VALUES(first_at)), last_at = GREATEST(last_at, VALUES(last_at)),
  replies = replies + VALUES(replies),
  first_reply_at = LEAST(COALESCE(first_reply_at, VALUES(first_reply_at)), COALESCE(VALUES(first_reply_at), first_reply_at)),
  last_reply_at = GREATEST(COALESCE(last_reply_at, VALUES(last_reply_at)), COALESCE(VALUES(last_reply_at), last_reply_at)); END IF;

DROP TRIGGER IF EXISTS report_touches_note_update;
CREATE TRIGGER report_touches_note_update AFTER UPDATE ON notes FOR EACH ROW
IF @portal_bulk_load IS NULL THEN
INSERT INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, first_reply_at, last_reply_at,
  pipeline_id, team_id, assignee_id, priority, category_id, company_id)
SELECT x.tenant_id, x.ticket_id, x.actor_id, MIN(x.at), MAX(x.at), SUM(x.pub), MIN(IF(x.pub, x.at, NULL)),
  MAX(IF(x.pub, x.at, NULL)), MAX(t.pipeline_id), MAX(t.team_id), MAX(t.assignee_id), MAX(t.priority),
  MAX(t.category_id), MAX(t.company_id)
FROM (SELECT n.tenant_id, n.ticket_id, n.author_id AS actor_id, n.created_at AS at, n.visibility = 'public' AS pub
      FROM notes n WHERE n.tenant_id = NEW.tenant_id AND n.ticket_id = NEW.ticket_id AND n.author_id = NEW.author_id
      UNION ALL
      SELECT e.tenant_id, e.ticket_id, e.actor_id, e.created_at, 0 FROM ticket_events e
      WHERE e.tenant_id = NEW.tenant_id AND e.ticket_id = NEW.ticket_id AND e.actor_id = NEW.author_id
        AND e.kind = 'status_changed') x
JOIN tickets t ON t.id = x.ticket_id AND t.tenant_id = x.tenant_id
GROUP BY x.tenant_id, x.ticket_id, x.actor_id
ON DUPLICATE KEY UPDATE first_at = VALUES(first_at), last_at = VALUES(last_at), replies = VALUES(replies),
  first_reply_at = VALUES(first_reply_at), last_reply_at = VALUES(last_reply_at); END IF;

DROP TRIGGER IF EXISTS report_moves_insert;
CREATE TRIGGER report_moves_insert AFTER INSERT ON ticket_events FOR EACH ROW
IF @portal_bulk_load IS NULL AND NEW.kind = 'status_changed' THEN
INSERT INTO report_moves (tenant_id, event_id, ticket_id, moved_at, to_key, actor_id, created_at, pipeline_id, team_id,
  assignee_id, priority, category_id, company_id)
SELECT NEW.tenant_id, NEW.id, NEW.ticket_id, NEW.created_at, JSON_VALUE(NEW.data, '$.to'), NEW.actor_id,
  t.created_at, t.pipeline_id, t.team_id, t.assignee_id, t.priority, t.category_id, t.company_id
FROM tickets t WHERE t.id = NEW.ticket_id AND t.tenant_id = NEW.tenant_id AND NEW.kind = 'status_changed'; END IF;

DROP TRIGGER IF EXISTS report_moves_update;
CREATE TRIGGER report_moves_update AFTER UPDATE ON ticket_events FOR EACH ROW
IF @portal_bulk_load IS NULL AND (NEW.kind = 'status_changed' OR OLD.kind = 'status_changed') THEN
UPDATE report_moves SET moved_at = NEW.created_at, to_key = JSON_VALUE(NEW.data, '$.to'), actor_id = NEW.actor_id
WHERE tenant_id = NEW.tenant_id AND event_id = NEW.id; END IF;

DROP TRIGGER IF EXISTS report_touches_move_insert;
CREATE TRIGGER report_touches_move_insert AFTER INSERT ON ticket_events FOR EACH ROW
IF @portal_bulk_load IS NULL AND NEW.kind = 'status_changed' AND NEW.actor_id IS NOT NULL THEN
INSERT INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, pipeline_id, team_id,
  assignee_id, priority, category_id, company_id)
SELECT NEW.tenant_id, NEW.ticket_id, NEW.actor_id, NEW.created_at, NEW.created_at, 0, t.pipeline_id, t.team_id,
  t.assignee_id, t.priority, t.category_id, t.company_id
FROM tickets t WHERE t.id = NEW.ticket_id AND t.tenant_id = NEW.tenant_id AND NEW.kind = 'status_changed'
  AND NEW.actor_id IS NOT NULL
ON DUPLICATE KEY UPDATE first_at = LEAST(first_at, VALUES(first_at)), last_at = GREATEST(last_at, VALUES(last_at)); END IF;

DROP TRIGGER IF EXISTS report_touches_move_update;
CREATE TRIGGER report_touches_move_update AFTER UPDATE ON ticket_events FOR EACH ROW
IF @portal_bulk_load IS NULL AND NEW.kind = 'status_changed' THEN
INSERT INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, first_reply_at, last_reply_at,
  pipeline_id, team_id, assignee_id, priority, category_id, company_id)
SELECT x.tenant_id, x.ticket_id, x.actor_id, MIN(x.at), MAX(x.at), SUM(x.pub), MIN(IF(x.pub, x.at, NULL)),
  MAX(IF(x.pub, x.at, NULL)), MAX(t.pipeline_id), MAX(t.team_id), MAX(t.assignee_id), MAX(t.priority),
  MAX(t.category_id), MAX(t.company_id)
FROM (SELECT n.tenant_id, n.ticket_id, n.author_id AS actor_id, n.created_at AS at, n.visibility = 'public' AS pub
      FROM notes n WHERE n.tenant_id = NEW.tenant_id AND n.ticket_id = NEW.ticket_id AND n.author_id = NEW.actor_id
      UNION ALL
      SELECT e.tenant_id, e.ticket_id, e.actor_id, e.created_at, 0 FROM ticket_events e
      WHERE e.tenant_id = NEW.tenant_id AND e.ticket_id = NEW.ticket_id AND e.actor_id = NEW.actor_id
        AND e.kind = 'status_changed') x
JOIN tickets t ON t.id = x.ticket_id AND t.tenant_id = x.tenant_id
WHERE NEW.kind = 'status_changed'
GROUP BY x.tenant_id, x.ticket_id, x.actor_id
ON DUPLICATE KEY UPDATE first_at = VALUES(first_at), last_at = VALUES(last_at), replies = VALUES(replies),
  first_reply_at = VALUES(first_reply_at), last_reply_at = VALUES(last_reply_at); END IF;

DROP TRIGGER IF EXISTS report_breach_insert;
CREATE TRIGGER report_breach_insert AFTER INSERT ON light_breaches FOR EACH ROW
IF @portal_bulk_load IS NULL THEN
UPDATE report_tickets SET
  worst_response = IF(NEW.level = 1, GREATEST(worst_response, IF(NEW.colour = 'red', 2, 1)), worst_response),
  worst_supplier = IF(NEW.level = 2, GREATEST(worst_supplier, IF(NEW.colour = 'red', 2, 1)), worst_supplier),
  worst_communication = IF(NEW.level = 3, GREATEST(worst_communication, IF(NEW.colour = 'red', 2, 1)),
    worst_communication)
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.ticket_id; END IF;

DROP TRIGGER IF EXISTS report_breach_delete;
CREATE TRIGGER report_breach_delete AFTER DELETE ON light_breaches FOR EACH ROW
IF @portal_bulk_load IS NULL THEN
UPDATE report_tickets rt SET
  rt.worst_response = (SELECT COALESCE(MAX(IF(b.colour = 'red', 2, 1)), 0) FROM light_breaches b
    WHERE b.tenant_id = rt.tenant_id AND b.ticket_id = rt.ticket_id AND b.level = 1),
  rt.worst_supplier = (SELECT COALESCE(MAX(IF(b.colour = 'red', 2, 1)), 0) FROM light_breaches b
    WHERE b.tenant_id = rt.tenant_id AND b.ticket_id = rt.ticket_id AND b.level = 2),
  rt.worst_communication = (SELECT COALESCE(MAX(IF(b.colour = 'red', 2, 1)), 0) FROM light_breaches b
    WHERE b.tenant_id = rt.tenant_id AND b.ticket_id = rt.ticket_id AND b.level = 3)
WHERE rt.tenant_id = OLD.tenant_id AND rt.ticket_id = OLD.ticket_id; END IF;

DROP TRIGGER IF EXISTS report_first_reply_role;
CREATE TRIGGER report_first_reply_role AFTER UPDATE ON users FOR EACH ROW
IF @portal_bulk_load IS NULL AND (OLD.role = 'customer') <> (NEW.role = 'customer') THEN
UPDATE report_tickets rt SET
  rt.first_reply_id = (SELECT n.id FROM notes n JOIN users u ON u.id = n.author_id AND u.tenant_id = n.tenant_id
    WHERE n.tenant_id = rt.tenant_id AND n.ticket_id = rt.ticket_id AND n.visibility = 'public'
      AND u.role <> 'customer' ORDER BY n.created_at, n.id LIMIT 1),
  rt.first_reply_at = (SELECT n.created_at FROM notes n WHERE n.id = rt.first_reply_id),
  rt.first_reply_by = (SELECT n.author_id FROM notes n WHERE n.id = rt.first_reply_id)
WHERE rt.tenant_id = NEW.tenant_id AND (OLD.role = 'customer') <> (NEW.role = 'customer')
  AND rt.ticket_id IN (SELECT n.ticket_id FROM notes n WHERE n.tenant_id = NEW.tenant_id AND n.author_id = NEW.id
    AND n.visibility = 'public'); END IF;

DROP TRIGGER IF EXISTS tickets_open_count_insert;
CREATE TRIGGER tickets_open_count_insert AFTER INSERT ON tickets FOR EACH ROW
IF @portal_bulk_load IS NULL AND NEW.assignee_id IS NOT NULL THEN
UPDATE users SET open_tickets = open_tickets + 1
WHERE tenant_id = NEW.tenant_id AND id = NEW.assignee_id
AND (SELECT s.category FROM statuses s WHERE s.id = NEW.status_id) NOT IN ('resolved', 'closed'); END IF;

DROP TRIGGER IF EXISTS tickets_open_count_update;
CREATE TRIGGER tickets_open_count_update AFTER UPDATE ON tickets FOR EACH ROW
IF @portal_bulk_load IS NULL AND NOT (OLD.assignee_id <=> NEW.assignee_id AND OLD.status_id <=> NEW.status_id) THEN
UPDATE users u SET u.open_tickets = u.open_tickets
- IF(u.id <=> OLD.assignee_id
AND (SELECT s.category FROM statuses s WHERE s.id = OLD.status_id) NOT IN ('resolved', 'closed'), 1, 0)
+ IF(u.id <=> NEW.assignee_id
AND (SELECT s.category FROM statuses s WHERE s.id = NEW.status_id) NOT IN ('resolved', 'closed'), 1, 0)
WHERE u.tenant_id = NEW.tenant_id AND u.id IN (OLD.assignee_id, NEW.assignee_id)
AND NOT (OLD.assignee_id <=> NEW.assignee_id AND OLD.status_id <=> NEW.status_id); END IF;

DROP TRIGGER IF EXISTS tickets_open_count_delete;
CREATE TRIGGER tickets_open_count_delete AFTER DELETE ON tickets FOR EACH ROW
IF @portal_bulk_load IS NULL AND OLD.assignee_id IS NOT NULL THEN
UPDATE users SET open_tickets = open_tickets - 1
WHERE tenant_id = OLD.tenant_id AND id = OLD.assignee_id
AND (SELECT s.category FROM statuses s WHERE s.id = OLD.status_id) NOT IN ('resolved', 'closed'); END IF;

DROP TRIGGER IF EXISTS statuses_open_count_update;
CREATE TRIGGER statuses_open_count_update AFTER UPDATE ON statuses FOR EACH ROW
IF @portal_bulk_load IS NULL AND (OLD.category IN ('resolved', 'closed')) <> (NEW.category IN ('resolved', 'closed')) THEN
UPDATE users u SET u.open_tickets = u.open_tickets
+ (IF(NEW.category IN ('resolved', 'closed'), -1, 1))
* (SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = NEW.tenant_id AND t.assignee_id = u.id AND t.status_id = NEW.id)
WHERE u.tenant_id = NEW.tenant_id
AND (OLD.category IN ('resolved', 'closed')) <> (NEW.category IN ('resolved', 'closed')); END IF;

-- The router reads agents in the order it ranks them (fewest open tickets, never or longest ago
-- assigned, lowest id) and stops at a short list of the best eligible, instead of reading and
-- sorting every agent with the skill for each new ticket.
ALTER TABLE users ADD INDEX IF NOT EXISTS users_router_order (tenant_id, role, disabled, open_tickets,
  last_assigned_at);
