-- The router compares agents by their open tickets (assigned, in a status whose category is not
-- resolved or closed). Counting them per routed ticket read every ticket an agent ever had; the
-- count is kept on the agent's row instead. Triggers keep it, so every way a ticket is written
-- (the workers, portalctl, the data generator, a hand-written UPDATE) moves it in the same
-- transaction, under the agent row's lock, and it never drifts from the tickets.
ALTER TABLE users ADD COLUMN IF NOT EXISTS open_tickets INT NOT NULL DEFAULT 0;

CREATE TRIGGER IF NOT EXISTS tickets_open_count_insert AFTER INSERT ON tickets FOR EACH ROW
UPDATE users SET open_tickets = open_tickets + 1
WHERE tenant_id = NEW.tenant_id AND id = NEW.assignee_id
AND (SELECT s.category FROM statuses s WHERE s.id = NEW.status_id) NOT IN ('resolved', 'closed');

-- An assignee or status change moves the old assignee down if the ticket was open and the new
-- one up if it is; a change of neither touches no agent.
CREATE TRIGGER IF NOT EXISTS tickets_open_count_update AFTER UPDATE ON tickets FOR EACH ROW
UPDATE users u SET u.open_tickets = u.open_tickets
- IF(u.id <=> OLD.assignee_id
AND (SELECT s.category FROM statuses s WHERE s.id = OLD.status_id) NOT IN ('resolved', 'closed'), 1, 0)
+ IF(u.id <=> NEW.assignee_id
AND (SELECT s.category FROM statuses s WHERE s.id = NEW.status_id) NOT IN ('resolved', 'closed'), 1, 0)
WHERE u.tenant_id = NEW.tenant_id AND u.id IN (OLD.assignee_id, NEW.assignee_id)
AND NOT (OLD.assignee_id <=> NEW.assignee_id AND OLD.status_id <=> NEW.status_id);

CREATE TRIGGER IF NOT EXISTS tickets_open_count_delete AFTER DELETE ON tickets FOR EACH ROW
UPDATE users SET open_tickets = open_tickets - 1
WHERE tenant_id = OLD.tenant_id AND id = OLD.assignee_id
AND (SELECT s.category FROM statuses s WHERE s.id = OLD.status_id) NOT IN ('resolved', 'closed');

-- A status whose category moves between open and resolved/closed opens or closes every ticket in
-- it at once.
CREATE TRIGGER IF NOT EXISTS statuses_open_count_update AFTER UPDATE ON statuses FOR EACH ROW
UPDATE users u SET u.open_tickets = u.open_tickets
+ (IF(NEW.category IN ('resolved', 'closed'), -1, 1))
* (SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = NEW.tenant_id AND t.assignee_id = u.id AND t.status_id = NEW.id)
WHERE u.tenant_id = NEW.tenant_id
AND (OLD.category IN ('resolved', 'closed')) <> (NEW.category IN ('resolved', 'closed'));

-- The count as it stands, after the triggers exist so no write falls between the two.
UPDATE users u SET u.open_tickets = (SELECT COUNT(*) FROM tickets t JOIN statuses s ON s.id = t.status_id
AND s.tenant_id = t.tenant_id WHERE t.tenant_id = u.tenant_id AND t.assignee_id = u.id
AND s.category NOT IN ('resolved', 'closed'));
