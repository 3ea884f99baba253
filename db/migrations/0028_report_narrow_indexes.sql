-- Reports over a long range without filters (what an admin opens first) read a year or two of
-- facts. The covering indexes of 0025 hold every filter column and are three times as wide as
-- what an unfiltered report needs, so a scan of a million entries reads mostly filters it does
-- not look at. These narrow indexes hold only the instants and counted columns: an unfiltered
-- report reads them, a filtered one the wide ones. They are maintained by InnoDB with the rows,
-- so they are exact whatever order events arrive in.
ALTER TABLE report_tickets
  ADD INDEX IF NOT EXISTS report_tickets_created_worst (tenant_id, created_at, worst_response, worst_supplier,
    worst_communication),
  ADD INDEX IF NOT EXISTS report_tickets_first_reply_by (tenant_id, first_reply_at, created_at, first_reply_by);

-- Moves lead with the status key they went to: a report of resolutions reads the ranges of the
-- resolved statuses' keys only (about half the moves), instead of every move and a lookup of its
-- status per move. The filter columns follow, and the ticket (a pipeline filter over a range
-- that has ended looks tickets up by id), so a filtered report reads the same ranges; this index
-- replaces 0025's time-first one, which every reader of moves filtered by resolved status.
ALTER TABLE report_moves
  DROP INDEX IF EXISTS report_moves_time,
  ADD INDEX IF NOT EXISTS report_moves_key_time (tenant_id, to_key, moved_at, created_at, pipeline_id, team_id,
    assignee_id, priority, category_id, company_id, ticket_id);

-- Touches by person, then time: the agents report has a row per staff member only, and
-- customers' touches are about half of them; it reads one range per staff member shown, with
-- the filter columns in the index for a filtered report.
ALTER TABLE report_touches
  ADD INDEX IF NOT EXISTS report_touches_actor (tenant_id, actor_id, last_at, first_at, replies, first_reply_at,
    last_reply_at, pipeline_id, team_id, assignee_id, priority, category_id, company_id);
