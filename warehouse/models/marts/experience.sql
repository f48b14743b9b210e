{#- One row per role per ok scrape, in the page's order. Incremental: the scrapes landed since the last
    run replace all rows of their (profile_id, scraped_at), so a re-parse with fewer roles leaves none behind. -#}
{{ config(materialized='incremental', unique_key=['profile_id', 'scraped_at'], incremental_strategy='delete+insert') }}

select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.role ->> 'title' as title,
    listed.role ->> 'company' as company,
    listed.role ->> 'employment_type' as employment_type,
    {{ partial_date("listed.role ->> 'start'") }} as start_date,
    {{ date_precision("listed.role ->> 'start'") }} as start_date_precision,
    {{ partial_date("listed.role ->> 'end'") }} as end_date,
    {{ date_precision("listed.role ->> 'end'") }} as end_date_precision,
    coalesce((listed.role ->> 'is_current')::boolean, false) as is_current,
    listed.role ->> 'location' as location,
    s.loaded_at
from {{ ref('stg_profiles') }} as s
cross join lateral jsonb_array_elements(s.experiences) with ordinality as listed (role, position)
where s.status = 'ok'
{%- if is_incremental() %} and {{ loaded_since_last_run('s.loaded_at') }}{% endif %}
