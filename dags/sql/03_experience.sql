-- experience: one row per role of each ok scrape, in the order the page lists them (1 = first).
CREATE TABLE IF NOT EXISTS linkedin.experience (
    profile_id text NOT NULL,
    scraped_at timestamptz NOT NULL,
    position integer NOT NULL,
    title text,
    company text,
    employment_type text,
    start_date text,
    end_date text,
    is_current boolean NOT NULL,
    location text,
    PRIMARY KEY (profile_id, scraped_at, position)
);

DELETE FROM linkedin.experience;

INSERT INTO linkedin.experience
SELECT
    s.profile_id,
    s.scraped_at,
    t.position,
    t.role ->> 'title',
    t.role ->> 'company',
    t.role ->> 'employment_type',
    t.role ->> 'start',
    t.role ->> 'end',
    coalesce((t.role ->> 'is_current')::boolean, false),
    t.role ->> 'location'
FROM ok_scrape AS s
CROSS JOIN LATERAL jsonb_array_elements(s.experiences) WITH ORDINALITY AS t (role, position);
