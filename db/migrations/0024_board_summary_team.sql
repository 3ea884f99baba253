-- The board counts a ticket for its effective team: its own (a category's or a rule's), else
-- its pipeline's. The summary keeps its rows per pipeline and level, now also per the tickets'
-- own team (0: none of their own, so their pipeline's), so a request still maps a pipeline to
-- its team from the tenant's configuration and a pipeline given to another team moves at once.
-- The rows taken before this knew no own team: dropped, so boards count live until the
-- scheduler's next summary (seconds).
DELETE FROM light_board_summary;
ALTER TABLE light_board_summary ADD COLUMN IF NOT EXISTS team_id BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER pipeline_id;
ALTER TABLE light_board_summary DROP PRIMARY KEY, ADD PRIMARY KEY (tenant_id, pipeline_id, team_id, level);
