{#- One row per school entry per ok scrape, in the page's order (incremental like experience). -#}
{{ config(materialized='incremental', unique_key=['profile_id', 'scraped_at'], incremental_strategy='delete+insert') }}

select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.entry ->> 'school' as school,
    listed.entry ->> 'degree' as degree,
    {{ partial_date("listed.entry ->> 'start'") }} as start_date,
    {{ date_precision("listed.entry ->> 'start'") }} as start_date_precision,
    {{ partial_date("listed.entry ->> 'end'") }} as end_date,
    {{ date_precision("listed.entry ->> 'end'") }} as end_date_precision,
    s.loaded_at
from {{ ref('stg_profiles') }} as s
cross join lateral jsonb_array_elements(s.educations) with ordinality as listed (entry, position)
where s.status = 'ok'
{%- if is_incremental() %} and {{ loaded_since_last_run('s.loaded_at') }}{% endif %}
