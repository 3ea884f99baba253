-- The performance reports of a large tenant read narrow facts instead of the timeline: one row
-- per ticket (its filter dimensions, status, creation, first public staff reply and worst light
-- per level), one per status move (where it went, who made it) and one per person and ticket
-- (first and last time they wrote on it or moved it, and their public replies). Each report
-- reads one range of an index that starts with tenant_id and a time and holds the filters.
--
-- Triggers keep the facts in the same transaction as the row that changes them, whichever code
-- (or operator) writes it: a note or move recorded late, an instant corrected afterwards, a
-- breach recorded or dropped, a ticket moved to another team, pipeline or assignee. A late
-- event only widens a first/last pair or replaces a first reply when it is earlier, so the
-- facts are the same as if the events had come in order; an edited instant recomputes the
-- ticket's (or the person's) facts from its rows. The filters are copied from the ticket on
-- every change of it; a ticket's team is resolved through its pipeline at read time, and a
-- status's category (is it resolved?) too, so admin changes to pipelines show at once.

CREATE TABLE IF NOT EXISTS report_tickets (
  tenant_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL,
  status_id BIGINT UNSIGNED NOT NULL,
  pipeline_id BIGINT UNSIGNED NOT NULL,
  team_id BIGINT UNSIGNED NULL,
  assignee_id BIGINT UNSIGNED NULL,
  priority ENUM('low','normal','high','urgent') NOT NULL,
  category_id BIGINT UNSIGNED NULL,
  company_id BIGINT UNSIGNED NULL,
  first_reply_id BIGINT UNSIGNED NULL,
  first_reply_at DATETIME(6) NULL,
  first_reply_by BIGINT UNSIGNED NULL,
  worst_response TINYINT UNSIGNED NOT NULL DEFAULT 0,
  worst_supplier TINYINT UNSIGNED NOT NULL DEFAULT 0,
  worst_communication TINYINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, ticket_id),
  KEY report_tickets_created (tenant_id, created_at, pipeline_id, team_id, assignee_id, priority, category_id,
    company_id, worst_response, worst_supplier, worst_communication),
  KEY report_tickets_first_reply (tenant_id, first_reply_at, pipeline_id, team_id, assignee_id, priority,
    category_id, company_id, first_reply_by, created_at),
  KEY report_tickets_status (tenant_id, status_id, pipeline_id, team_id, assignee_id, priority, category_id,
    company_id, created_at)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS report_moves (
  tenant_id BIGINT UNSIGNED NOT NULL,
  event_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  moved_at DATETIME(6) NOT NULL,
  to_key VARCHAR(40) NULL,
  actor_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL,
  pipeline_id BIGINT UNSIGNED NOT NULL,
  team_id BIGINT UNSIGNED NULL,
  assignee_id BIGINT UNSIGNED NULL,
  priority ENUM('low','normal','high','urgent') NOT NULL,
  category_id BIGINT UNSIGNED NULL,
  company_id BIGINT UNSIGNED NULL,
  PRIMARY KEY (tenant_id, event_id),
  KEY report_moves_ticket (tenant_id, ticket_id),
  KEY report_moves_time (tenant_id, moved_at, to_key, pipeline_id, team_id, assignee_id, priority, category_id,
    company_id, created_at)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS report_touches (
  tenant_id BIGINT UNSIGNED NOT NULL,
  ticket_id BIGINT UNSIGNED NOT NULL,
  actor_id BIGINT UNSIGNED NOT NULL,
  first_at DATETIME(6) NOT NULL,
  last_at DATETIME(6) NOT NULL,
  replies INT UNSIGNED NOT NULL DEFAULT 0,
  first_reply_at DATETIME(6) NULL,
  last_reply_at DATETIME(6) NULL,
  pipeline_id BIGINT UNSIGNED NOT NULL,
  team_id BIGINT UNSIGNED NULL,
  assignee_id BIGINT UNSIGNED NULL,
  priority ENUM('low','normal','high','urgent') NOT NULL,
  category_id BIGINT UNSIGNED NULL,
  company_id BIGINT UNSIGNED NULL,
  PRIMARY KEY (tenant_id, ticket_id, actor_id),
  KEY report_touches_time (tenant_id, last_at, first_at, actor_id, replies, first_reply_at, last_reply_at,
    pipeline_id, team_id, assignee_id, priority, category_id, company_id)
) ENGINE=InnoDB;

-- Tickets: a new one gets its row; any change copies the filters, status and creation to every
-- fact of the ticket (the moves' and touches' only when one of them changed).
DROP TRIGGER IF EXISTS report_tickets_insert;
CREATE TRIGGER report_tickets_insert AFTER INSERT ON tickets FOR EACH ROW
INSERT INTO report_tickets (tenant_id, ticket_id, created_at, status_id, pipeline_id, team_id, assignee_id, priority,
  category_id, company_id)
VALUES (NEW.tenant_id, NEW.id, NEW.created_at, NEW.status_id, NEW.pipeline_id, NEW.team_id, NEW.assignee_id,
  NEW.priority, NEW.category_id, NEW.company_id)
ON DUPLICATE KEY UPDATE created_at = VALUES(created_at), status_id = VALUES(status_id);

DROP TRIGGER IF EXISTS report_tickets_update;
CREATE TRIGGER report_tickets_update AFTER UPDATE ON tickets FOR EACH ROW
UPDATE report_tickets SET created_at = NEW.created_at, status_id = NEW.status_id, pipeline_id = NEW.pipeline_id,
  team_id = NEW.team_id, assignee_id = NEW.assignee_id, priority = NEW.priority, category_id = NEW.category_id,
  company_id = NEW.company_id
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.id;

DROP TRIGGER IF EXISTS report_moves_ticket_update;
CREATE TRIGGER report_moves_ticket_update AFTER UPDATE ON tickets FOR EACH ROW
UPDATE report_moves SET created_at = NEW.created_at, pipeline_id = NEW.pipeline_id, team_id = NEW.team_id,
  assignee_id = NEW.assignee_id, priority = NEW.priority, category_id = NEW.category_id, company_id = NEW.company_id
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.id
  AND NOT (NEW.created_at <=> OLD.created_at AND NEW.pipeline_id <=> OLD.pipeline_id AND NEW.team_id <=> OLD.team_id
    AND NEW.assignee_id <=> OLD.assignee_id AND NEW.priority <=> OLD.priority
    AND NEW.category_id <=> OLD.category_id AND NEW.company_id <=> OLD.company_id);

DROP TRIGGER IF EXISTS report_touches_ticket_update;
CREATE TRIGGER report_touches_ticket_update AFTER UPDATE ON tickets FOR EACH ROW
UPDATE report_touches SET pipeline_id = NEW.pipeline_id, team_id = NEW.team_id, assignee_id = NEW.assignee_id,
  priority = NEW.priority, category_id = NEW.category_id, company_id = NEW.company_id
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.id
  AND NOT (NEW.pipeline_id <=> OLD.pipeline_id AND NEW.team_id <=> OLD.team_id
    AND NEW.assignee_id <=> OLD.assignee_id AND NEW.priority <=> OLD.priority
    AND NEW.category_id <=> OLD.category_id AND NEW.company_id <=> OLD.company_id);

-- Notes: a public note by staff is the first reply when nothing earlier (by time, then id) is;
-- every note widens its author's touch of the ticket (rules' notes have none). An edited note
-- recomputes both.
DROP TRIGGER IF EXISTS report_first_reply_insert;
CREATE TRIGGER report_first_reply_insert AFTER INSERT ON notes FOR EACH ROW
UPDATE report_tickets SET first_reply_id = NEW.id, first_reply_at = NEW.created_at, first_reply_by = NEW.author_id
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.ticket_id AND NEW.visibility = 'public'
  AND (first_reply_at IS NULL OR NEW.created_at < first_reply_at
    OR (NEW.created_at = first_reply_at AND NEW.id < first_reply_id))
  AND EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.author_id
    AND u.role <> 'customer');

-- Assignments run left to right: the instant and author follow the note just chosen.
DROP TRIGGER IF EXISTS report_first_reply_update;
CREATE TRIGGER report_first_reply_update AFTER UPDATE ON notes FOR EACH ROW
UPDATE report_tickets rt SET
  rt.first_reply_id = (SELECT n.id FROM notes n JOIN users u ON u.id = n.author_id AND u.tenant_id = n.tenant_id
    WHERE n.tenant_id = rt.tenant_id AND n.ticket_id = rt.ticket_id AND n.visibility = 'public'
      AND u.role <> 'customer' ORDER BY n.created_at, n.id LIMIT 1),
  rt.first_reply_at = (SELECT n.created_at FROM notes n WHERE n.id = rt.first_reply_id),
  rt.first_reply_by = (SELECT n.author_id FROM notes n WHERE n.id = rt.first_reply_id)
WHERE rt.tenant_id = NEW.tenant_id AND rt.ticket_id IN (NEW.ticket_id, OLD.ticket_id);

DROP TRIGGER IF EXISTS report_touches_note_insert;
CREATE TRIGGER report_touches_note_insert AFTER INSERT ON notes FOR EACH ROW
INSERT INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, first_reply_at, last_reply_at,
  pipeline_id, team_id, assignee_id, priority, category_id, company_id)
SELECT NEW.tenant_id, NEW.ticket_id, NEW.author_id, NEW.created_at, NEW.created_at, NEW.visibility = 'public',
  IF(NEW.visibility = 'public', NEW.created_at, NULL), IF(NEW.visibility = 'public', NEW.created_at, NULL),
  t.pipeline_id, t.team_id, t.assignee_id, t.priority, t.category_id, t.company_id
FROM tickets t WHERE t.id = NEW.ticket_id AND t.tenant_id = NEW.tenant_id AND NEW.author_id IS NOT NULL
ON DUPLICATE KEY UPDATE first_at = LEAST(first_at, VALUES(first_at)), last_at = GREATEST(last_at, VALUES(last_at)),
  replies = replies + VALUES(replies),
  first_reply_at = LEAST(COALESCE(first_reply_at, VALUES(first_reply_at)), COALESCE(VALUES(first_reply_at), first_reply_at)),
  last_reply_at = GREATEST(COALESCE(last_reply_at, VALUES(last_reply_at)), COALESCE(VALUES(last_reply_at), last_reply_at));

DROP TRIGGER IF EXISTS report_touches_note_update;
CREATE TRIGGER report_touches_note_update AFTER UPDATE ON notes FOR EACH ROW
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
  first_reply_at = VALUES(first_reply_at), last_reply_at = VALUES(last_reply_at);

-- Status moves: one row each; the mover's touch of the ticket widens. An edited move is copied
-- again and its mover's touch recomputed.
DROP TRIGGER IF EXISTS report_moves_insert;
CREATE TRIGGER report_moves_insert AFTER INSERT ON ticket_events FOR EACH ROW
INSERT INTO report_moves (tenant_id, event_id, ticket_id, moved_at, to_key, actor_id, created_at, pipeline_id, team_id,
  assignee_id, priority, category_id, company_id)
SELECT NEW.tenant_id, NEW.id, NEW.ticket_id, NEW.created_at, JSON_VALUE(NEW.data, '$.to'), NEW.actor_id,
  t.created_at, t.pipeline_id, t.team_id, t.assignee_id, t.priority, t.category_id, t.company_id
FROM tickets t WHERE t.id = NEW.ticket_id AND t.tenant_id = NEW.tenant_id AND NEW.kind = 'status_changed';

DROP TRIGGER IF EXISTS report_moves_update;
CREATE TRIGGER report_moves_update AFTER UPDATE ON ticket_events FOR EACH ROW
UPDATE report_moves SET moved_at = NEW.created_at, to_key = JSON_VALUE(NEW.data, '$.to'), actor_id = NEW.actor_id
WHERE tenant_id = NEW.tenant_id AND event_id = NEW.id;

DROP TRIGGER IF EXISTS report_touches_move_insert;
CREATE TRIGGER report_touches_move_insert AFTER INSERT ON ticket_events FOR EACH ROW
INSERT INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, pipeline_id, team_id,
  assignee_id, priority, category_id, company_id)
SELECT NEW.tenant_id, NEW.ticket_id, NEW.actor_id, NEW.created_at, NEW.created_at, 0, t.pipeline_id, t.team_id,
  t.assignee_id, t.priority, t.category_id, t.company_id
FROM tickets t WHERE t.id = NEW.ticket_id AND t.tenant_id = NEW.tenant_id AND NEW.kind = 'status_changed'
  AND NEW.actor_id IS NOT NULL
ON DUPLICATE KEY UPDATE first_at = LEAST(first_at, VALUES(first_at)), last_at = GREATEST(last_at, VALUES(last_at));

DROP TRIGGER IF EXISTS report_touches_move_update;
CREATE TRIGGER report_touches_move_update AFTER UPDATE ON ticket_events FOR EACH ROW
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
  first_reply_at = VALUES(first_reply_at), last_reply_at = VALUES(last_reply_at);

-- Breaches: the worst colour per level (1 amber, 2 red) a ticket ever had; a dropped breach
-- recomputes its level from the rest.
DROP TRIGGER IF EXISTS report_breach_insert;
CREATE TRIGGER report_breach_insert AFTER INSERT ON light_breaches FOR EACH ROW
UPDATE report_tickets SET
  worst_response = IF(NEW.level = 1, GREATEST(worst_response, IF(NEW.colour = 'red', 2, 1)), worst_response),
  worst_supplier = IF(NEW.level = 2, GREATEST(worst_supplier, IF(NEW.colour = 'red', 2, 1)), worst_supplier),
  worst_communication = IF(NEW.level = 3, GREATEST(worst_communication, IF(NEW.colour = 'red', 2, 1)),
    worst_communication)
WHERE tenant_id = NEW.tenant_id AND ticket_id = NEW.ticket_id;

DROP TRIGGER IF EXISTS report_breach_delete;
CREATE TRIGGER report_breach_delete AFTER DELETE ON light_breaches FOR EACH ROW
UPDATE report_tickets rt SET
  rt.worst_response = (SELECT COALESCE(MAX(IF(b.colour = 'red', 2, 1)), 0) FROM light_breaches b
    WHERE b.tenant_id = rt.tenant_id AND b.ticket_id = rt.ticket_id AND b.level = 1),
  rt.worst_supplier = (SELECT COALESCE(MAX(IF(b.colour = 'red', 2, 1)), 0) FROM light_breaches b
    WHERE b.tenant_id = rt.tenant_id AND b.ticket_id = rt.ticket_id AND b.level = 2),
  rt.worst_communication = (SELECT COALESCE(MAX(IF(b.colour = 'red', 2, 1)), 0) FROM light_breaches b
    WHERE b.tenant_id = rt.tenant_id AND b.ticket_id = rt.ticket_id AND b.level = 3)
WHERE rt.tenant_id = OLD.tenant_id AND rt.ticket_id = OLD.ticket_id;

-- A user who becomes staff or stops being staff changes which replies are first replies.
DROP TRIGGER IF EXISTS report_first_reply_role;
CREATE TRIGGER report_first_reply_role AFTER UPDATE ON users FOR EACH ROW
UPDATE report_tickets rt SET
  rt.first_reply_id = (SELECT n.id FROM notes n JOIN users u ON u.id = n.author_id AND u.tenant_id = n.tenant_id
    WHERE n.tenant_id = rt.tenant_id AND n.ticket_id = rt.ticket_id AND n.visibility = 'public'
      AND u.role <> 'customer' ORDER BY n.created_at, n.id LIMIT 1),
  rt.first_reply_at = (SELECT n.created_at FROM notes n WHERE n.id = rt.first_reply_id),
  rt.first_reply_by = (SELECT n.author_id FROM notes n WHERE n.id = rt.first_reply_id)
WHERE rt.tenant_id = NEW.tenant_id AND (OLD.role = 'customer') <> (NEW.role = 'customer')
  AND rt.ticket_id IN (SELECT n.ticket_id FROM notes n WHERE n.tenant_id = NEW.tenant_id AND n.author_id = NEW.id
    AND n.visibility = 'public');

-- The facts of the rows written before this migration, in a few passes over each table
-- (portalctl migrate prints each pass's time). Run with the service stopped, as ops/stack.sh does.
INSERT IGNORE INTO report_tickets (tenant_id, ticket_id, created_at, status_id, pipeline_id, team_id, assignee_id,
  priority, category_id, company_id)
SELECT tenant_id, id, created_at, status_id, pipeline_id, team_id, assignee_id, priority, category_id, company_id
FROM tickets;

-- Each ticket's notes through (tenant, ticket), in ticket order: no sort of every note.
UPDATE report_tickets rt SET
  rt.first_reply_id = (SELECT n.id FROM notes n JOIN users u ON u.id = n.author_id AND u.tenant_id = n.tenant_id
    WHERE n.tenant_id = rt.tenant_id AND n.ticket_id = rt.ticket_id AND n.visibility = 'public'
      AND u.role <> 'customer' ORDER BY n.created_at, n.id LIMIT 1),
  rt.first_reply_at = (SELECT n.created_at FROM notes n WHERE n.id = rt.first_reply_id),
  rt.first_reply_by = (SELECT n.author_id FROM notes n WHERE n.id = rt.first_reply_id);

UPDATE report_tickets rt JOIN (
  SELECT tenant_id, ticket_id,
    MAX(IF(level = 1, IF(colour = 'red', 2, 1), 0)) AS w1, MAX(IF(level = 2, IF(colour = 'red', 2, 1), 0)) AS w2,
    MAX(IF(level = 3, IF(colour = 'red', 2, 1), 0)) AS w3
  FROM light_breaches GROUP BY tenant_id, ticket_id) b ON b.tenant_id = rt.tenant_id AND b.ticket_id = rt.ticket_id
SET rt.worst_response = b.w1, rt.worst_supplier = b.w2, rt.worst_communication = b.w3;

INSERT IGNORE INTO report_moves (tenant_id, event_id, ticket_id, moved_at, to_key, actor_id, created_at, pipeline_id,
  team_id, assignee_id, priority, category_id, company_id)
SELECT e.tenant_id, e.id, e.ticket_id, e.created_at, JSON_VALUE(e.data, '$.to'), e.actor_id, t.created_at,
  t.pipeline_id, t.team_id, t.assignee_id, t.priority, t.category_id, t.company_id
FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id AND t.tenant_id = e.tenant_id
WHERE e.kind = 'status_changed';

INSERT IGNORE INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, first_reply_at,
  last_reply_at, pipeline_id, team_id, assignee_id, priority, category_id, company_id)
SELECT n.tenant_id, n.ticket_id, n.author_id, MIN(n.created_at), MAX(n.created_at), SUM(n.visibility = 'public'),
  MIN(IF(n.visibility = 'public', n.created_at, NULL)), MAX(IF(n.visibility = 'public', n.created_at, NULL)),
  MAX(t.pipeline_id), MAX(t.team_id), MAX(t.assignee_id), MAX(t.priority), MAX(t.category_id), MAX(t.company_id)
FROM notes n JOIN tickets t ON t.id = n.ticket_id AND t.tenant_id = n.tenant_id
WHERE n.author_id IS NOT NULL
GROUP BY n.tenant_id, n.ticket_id, n.author_id;

INSERT INTO report_touches (tenant_id, ticket_id, actor_id, first_at, last_at, replies, pipeline_id, team_id,
  assignee_id, priority, category_id, company_id)
SELECT m.tenant_id, m.ticket_id, m.actor_id, MIN(m.moved_at), MAX(m.moved_at), 0, MAX(m.pipeline_id),
  MAX(m.team_id), MAX(m.assignee_id), MAX(m.priority), MAX(m.category_id), MAX(m.company_id)
FROM report_moves m WHERE m.actor_id IS NOT NULL
GROUP BY m.tenant_id, m.ticket_id, m.actor_id
ON DUPLICATE KEY UPDATE first_at = LEAST(report_touches.first_at, VALUES(first_at)),
  last_at = GREATEST(report_touches.last_at, VALUES(last_at));
