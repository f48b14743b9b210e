{#- The newest ok scrape of each profile, and the newest answer about it (ok, private, not_found).
    Incremental: only the profiles with a scrape landed since the last run are recomputed, each from its
    own scrapes (through stg_profiles' index on (profile_id, scraped_at)). -#}
{{ config(
    materialized='incremental',
    unique_key='profile_id',
    incremental_strategy='delete+insert',
    indexes=[{'columns': ['profile_id']}, {'columns': ['loaded_at']}],
) }}

{%- set stg = ref('stg_profiles') %}

with touched as (
    select profile_id, max(loaded_at) as loaded_at
    from {{ stg }}
    {%- if is_incremental() %}
    where profile_id in (select profile_id from {{ stg }} where {{ loaded_since_last_run() }})
    {%- endif %}
    group by profile_id
),

ok as (
    select s.profile_id, count(*) as ok_scrapes, min(s.scraped_at) as first_scraped_at, max(s.scraped_at) as scraped_at
    from {{ stg }} as s
    join touched using (profile_id)
    where s.status = 'ok'
    group by s.profile_id
),

answer as (
    select distinct on (s.profile_id) s.profile_id, s.status, s.scraped_at
    from {{ stg }} as s
    join touched using (profile_id)
    where s.status in ('ok', 'private', 'not_found')
    order by s.profile_id, s.scraped_at desc
)

select
    s.profile_id,
    s.url,
    s.name,
    s.headline,
    s.location,
    s.current_company,
    s.current_company_source,
    s.current_title,
    s.connections,
    s.connections_capped,
    s.followers,
    s.about,
    jsonb_array_length(s.experiences) as experience_count,
    jsonb_array_length(s.educations) as education_count,
    jsonb_array_length(s.skills) as skill_count,
    s.scraped_at,
    s.run_id,
    ok.first_scraped_at,
    ok.ok_scrapes::integer as ok_scrapes,
    answer.status as latest_status,
    answer.scraped_at as latest_status_at,
    touched.loaded_at
from ok
join {{ stg }} as s on s.profile_id = ok.profile_id and s.scraped_at = ok.scraped_at
join answer on answer.profile_id = ok.profile_id
join touched on touched.profile_id = ok.profile_id
