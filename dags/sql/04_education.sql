-- education: one row per school entry of each ok scrape, in the page's order (1 = first).
CREATE TABLE IF NOT EXISTS linkedin.education (
    profile_id text NOT NULL,
    scraped_at timestamptz NOT NULL,
    position integer NOT NULL,
    school text,
    degree text,
    start_date text,
    end_date text,
    PRIMARY KEY (profile_id, scraped_at, position)
);

DELETE FROM linkedin.education;

INSERT INTO linkedin.education
SELECT
    s.profile_id,
    s.scraped_at,
    t.position,
    t.entry ->> 'school',
    t.entry ->> 'degree',
    t.entry ->> 'start',
    t.entry ->> 'end'
FROM ok_scrape AS s
CROSS JOIN LATERAL jsonb_array_elements(s.educations) WITH ORDINALITY AS t (entry, position);
