{#- Each profile's current company, title, headline and location with validity intervals (valid_from,
    valid_to; NULL = still valid). The state of a profile is its newest ok scrape, except that a value
    missing there is carried over from the ok scrape before it: a value missing in one scrape and back in
    the next is no change, and a value counts as gone only when two consecutive ok scrapes lack it
    (docs/warehouse.md, "profile_change"). A version starts at the scrape that first showed it. -#}
{% snapshot profile_history %}
{{ config(
    unique_key='profile_id',
    strategy='check',
    check_cols=['current_company', 'current_title', 'headline', 'location'],
    updated_at='scraped_at',
    snapshot_meta_column_names={'dbt_valid_from': 'valid_from', 'dbt_valid_to': 'valid_to', 'dbt_scd_id': 'version_id', 'dbt_updated_at': 'updated_at'},
) }}

select
    l.profile_id,
    coalesce(newest.current_company, previous.current_company) as current_company,
    coalesce(newest.current_title, previous.current_title) as current_title,
    coalesce(newest.headline, previous.headline) as headline,
    coalesce(newest.location, previous.location) as location,
    newest.scraped_at
from {{ ref('profile_latest') }} as l
join {{ ref('stg_profiles') }} as newest on newest.profile_id = l.profile_id and newest.scraped_at = l.scraped_at
left join lateral (
    select s.current_company, s.current_title, s.headline, s.location
    from {{ ref('stg_profiles') }} as s
    where s.profile_id = l.profile_id and s.status = 'ok' and s.scraped_at < l.scraped_at
    order by s.scraped_at desc
    limit 1
) as previous on true

{% endsnapshot %}
