-- profile_change: one row per attribute that differs between consecutive ok scrapes of a profile.
-- A value that appears or disappears (NULL on one side) counts as a change.
CREATE TABLE IF NOT EXISTS linkedin.profile_change (
    profile_id text NOT NULL,
    attribute text NOT NULL,
    old_value text,
    new_value text,
    previous_scraped_at timestamptz NOT NULL,
    scraped_at timestamptz NOT NULL,
    PRIMARY KEY (profile_id, scraped_at, attribute)
);

DELETE FROM linkedin.profile_change;

INSERT INTO linkedin.profile_change
SELECT p.profile_id, a.attribute, a.old_value, a.new_value, p.previous_scraped_at, p.scraped_at
FROM (
    SELECT
        profile_id,
        scraped_at,
        lag(scraped_at) OVER w AS previous_scraped_at,
        current_company,
        lag(current_company) OVER w AS previous_company,
        current_title,
        lag(current_title) OVER w AS previous_title,
        headline,
        lag(headline) OVER w AS previous_headline,
        location,
        lag(location) OVER w AS previous_location
    FROM ok_scrape
    WINDOW w AS (PARTITION BY profile_id ORDER BY scraped_at)
) AS p
CROSS JOIN LATERAL (
    VALUES
        ('current_company', p.previous_company, p.current_company),
        ('current_title', p.previous_title, p.current_title),
        ('headline', p.previous_headline, p.headline),
        ('location', p.previous_location, p.location)
) AS a (attribute, old_value, new_value)
WHERE p.previous_scraped_at IS NOT NULL AND a.old_value IS DISTINCT FROM a.new_value;
