-- profile_latest: the newest ok scrape of each profile, one row each.
CREATE TABLE IF NOT EXISTS linkedin.profile_latest (
    profile_id text PRIMARY KEY,
    url text,
    name text,
    headline text,
    location text,
    current_company text,
    current_title text,
    connections bigint,
    connections_capped boolean,
    followers bigint,
    about text,
    experience_count integer NOT NULL,
    education_count integer NOT NULL,
    skill_count integer NOT NULL,
    scraped_at timestamptz NOT NULL,
    run_id text,
    first_scraped_at timestamptz NOT NULL,
    ok_scrapes integer NOT NULL
);

DELETE FROM linkedin.profile_latest;

INSERT INTO linkedin.profile_latest
SELECT DISTINCT ON (profile_id)
    profile_id,
    url,
    name,
    headline,
    location,
    current_company,
    current_title,
    connections,
    connections_capped,
    followers,
    about,
    jsonb_array_length(experiences),
    jsonb_array_length(educations),
    jsonb_array_length(skills),
    scraped_at,
    run_id,
    min(scraped_at) OVER (PARTITION BY profile_id),
    count(*) OVER (PARTITION BY profile_id)
FROM ok_scrape
ORDER BY profile_id, scraped_at DESC;
