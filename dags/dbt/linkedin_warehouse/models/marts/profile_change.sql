{#- One row per attribute that differs between two consecutive versions of a profile in profile_history.
    A table rebuilt each run from the snapshot, which holds one row per version (changes, not scrapes),
    so its cost follows the number of changes, not the history landed. A version that ended as it began
    (valid_to = valid_from) is a scrape read again by a newer parser (`scraper reparse`): the snapshot
    closed that scrape's older reading when the newer one landed; only the newer one is a version. -#}

with versions as (
    select
        profile_id,
        valid_from,
        lag(valid_from) over w as previous_valid_from,
        current_company,
        lag(current_company) over w as previous_company,
        current_title,
        lag(current_title) over w as previous_title,
        headline,
        lag(headline) over w as previous_headline,
        location,
        lag(location) over w as previous_location
    from {{ ref('profile_history') }}
    where valid_to is null or valid_to > valid_from
    window w as (partition by profile_id order by valid_from)
)

select
    v.profile_id,
    a.attribute,
    a.old_value,
    a.new_value,
    (
        select max(s.scraped_at)
        from {{ ref('stg_profiles') }} as s
        where s.profile_id = v.profile_id and s.status = 'ok' and s.scraped_at < v.valid_from
    ) as previous_scraped_at,
    v.valid_from as scraped_at
from versions as v
cross join lateral (
    values
        ('current_company', v.previous_company, v.current_company),
        ('current_title', v.previous_title, v.current_title),
        ('headline', v.previous_headline, v.headline),
        ('location', v.previous_location, v.location)
) as a (attribute, old_value, new_value)
where v.previous_valid_from is not null and a.old_value is distinct from a.new_value
