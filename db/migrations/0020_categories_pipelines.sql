-- A tenant has several pipelines (e.g. Support, Returns). A category names the pipeline its
-- new tickets go to and the team that owns them; NULL keeps the default pipeline.
ALTER TABLE categories ADD COLUMN IF NOT EXISTS pipeline_id BIGINT UNSIGNED NULL;
ALTER TABLE categories ADD COLUMN IF NOT EXISTS team_id BIGINT UNSIGNED NULL;
