-- Every signed-in request reads its session with the user's teams (an agent sees the tickets of
-- their teams). A subquery over team_members per request was half the session statement's cost;
-- the team ids are kept on the user's row instead, as the comma-separated list the subquery gave.
-- Triggers keep it, so every writer of team_members (the admin API, portalctl, a hand-written
-- statement) changes it in the same transaction. NULL: in no team.
ALTER TABLE users ADD COLUMN IF NOT EXISTS team_ids VARCHAR(1024) NULL;

CREATE TRIGGER IF NOT EXISTS team_members_ids_insert AFTER INSERT ON team_members FOR EACH ROW
UPDATE users SET team_ids = (SELECT GROUP_CONCAT(m.team_id ORDER BY m.team_id) FROM team_members m
WHERE m.tenant_id = NEW.tenant_id AND m.user_id = NEW.user_id)
WHERE tenant_id = NEW.tenant_id AND id = NEW.user_id;

CREATE TRIGGER IF NOT EXISTS team_members_ids_delete AFTER DELETE ON team_members FOR EACH ROW
UPDATE users SET team_ids = (SELECT GROUP_CONCAT(m.team_id ORDER BY m.team_id) FROM team_members m
WHERE m.tenant_id = OLD.tenant_id AND m.user_id = OLD.user_id)
WHERE tenant_id = OLD.tenant_id AND id = OLD.user_id;

CREATE TRIGGER IF NOT EXISTS team_members_ids_update AFTER UPDATE ON team_members FOR EACH ROW
UPDATE users u SET u.team_ids = (SELECT GROUP_CONCAT(m.team_id ORDER BY m.team_id) FROM team_members m
WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id)
WHERE (u.tenant_id = OLD.tenant_id AND u.id = OLD.user_id) OR (u.tenant_id = NEW.tenant_id AND u.id = NEW.user_id);

-- The lists as they stand, after the triggers exist so no write falls between the two (the column
-- is new: only members need a value).
UPDATE users u JOIN (SELECT tenant_id, user_id, GROUP_CONCAT(team_id ORDER BY team_id) AS ids FROM team_members
GROUP BY tenant_id, user_id) m ON m.tenant_id = u.tenant_id AND m.user_id = u.id
SET u.team_ids = m.ids;
