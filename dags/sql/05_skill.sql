-- skill: one row per listed skill of each ok scrape, in the page's order (1 = first).
CREATE TABLE IF NOT EXISTS linkedin.skill (
    profile_id text NOT NULL,
    scraped_at timestamptz NOT NULL,
    position integer NOT NULL,
    skill text NOT NULL,
    PRIMARY KEY (profile_id, scraped_at, position)
);

DELETE FROM linkedin.skill;

INSERT INTO linkedin.skill
SELECT s.profile_id, s.scraped_at, t.position, t.skill
FROM ok_scrape AS s
CROSS JOIN LATERAL jsonb_array_elements_text(s.skills) WITH ORDINALITY AS t (skill, position);
