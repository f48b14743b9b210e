{#- One row per listed skill per ok scrape, in the page's order (incremental like experience). -#}
{{ config(materialized='incremental', unique_key=['profile_id', 'scraped_at'], incremental_strategy='delete+insert') }}

select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.skill,
    s.loaded_at
from {{ ref('stg_profiles') }} as s
cross join lateral jsonb_array_elements_text(s.skills) with ordinality as listed (skill, position)
where s.status = 'ok'
{%- if is_incremental() %} and {{ loaded_since_last_run('s.loaded_at') }}{% endif %}
