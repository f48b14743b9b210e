-- The warehouse models read Airbyte's table linkedin.profiles (docs/warehouse.md, "What Airbyte
-- writes") only through this view: one row per ok scrape, i.e. per (profile_id, scraped_at).
-- In append mode a re-synced file lands twice; the newest extraction wins. A temporary view lives
-- only for this run's session, so nothing permanent depends on Airbyte's table and Airbyte can
-- still drop and recreate it (a refresh) without CASCADE.
CREATE SCHEMA IF NOT EXISTS linkedin;

CREATE OR REPLACE TEMPORARY VIEW ok_scrape AS
SELECT DISTINCT ON (profile_id, scraped_at)
    profile_id,
    scraped_at,
    run_id,
    url,
    name,
    headline,
    location,
    current_company,
    (
        SELECT role ->> 'title'
        FROM jsonb_array_elements(experiences) WITH ORDINALITY AS t (role, position)
        WHERE (role ->> 'is_current')::boolean
        ORDER BY position
        LIMIT 1
    ) AS current_title,
    connections,
    connections_capped,
    followers,
    about,
    experiences,
    educations,
    skills
FROM (
    SELECT
        profile_id,
        scraped_at::timestamptz AS scraped_at,
        run_id,
        url,
        name,
        headline,
        location,
        current_company,
        connections,
        connections_capped,
        followers,
        about,
        -- Airbyte lands a missing or null list as SQL NULL: read it as an empty list.
        CASE WHEN jsonb_typeof(experiences) = 'array' THEN experiences ELSE '[]'::jsonb END AS experiences,
        CASE WHEN jsonb_typeof(educations) = 'array' THEN educations ELSE '[]'::jsonb END AS educations,
        CASE WHEN jsonb_typeof(skills) = 'array' THEN skills ELSE '[]'::jsonb END AS skills,
        _airbyte_extracted_at
    FROM linkedin.profiles
    WHERE status = 'ok' AND profile_id IS NOT NULL AND scraped_at IS NOT NULL
) AS landed
ORDER BY profile_id, scraped_at, _airbyte_extracted_at DESC;
