{#- One row per scrape, i.e. per (profile_id, scraped_at), of every status, typed; the only model that
    reads Airbyte's table. Incremental: each run reads only the rows Airbyte landed after the newest one
    already here (Airbyte's table is indexed on _airbyte_extracted_at). Of the rows of one scrape, the
    newest parser_version wins (a re-parse lands a second row with the same scraped_at), then the newest
    landing (a file synced twice in append mode lands twice). -#}
{{ config(
    materialized='incremental',
    unique_key=['profile_id', 'scraped_at'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['profile_id', 'scraped_at']}, {'columns': ['loaded_at']}],
) }}

{%- set profiles = source('linkedin', 'profiles') %}

with landed as (
    select
        profile_id,
        scraped_at::timestamptz as scraped_at,
        status,
        coalesce(attempted, true) as attempted,
        run_id,
        url,
        name,
        headline,
        location,
        current_company as top_card_company,
        connections,
        connections_capped,
        followers,
        about,
        {{ jsonb_list('experiences') }} as experiences,
        {{ jsonb_list('educations') }} as educations,
        {{ jsonb_list('skills') }} as skills,
        -- Columns of schema_version 2: absent from Airbyte's table until a record carries them.
        {%- for section in five_sections() %}
        {{ jsonb_list(landed_column(profiles, section, 'jsonb')) }} as {{ section }},
        {%- endfor %}
        coalesce({{ landed_column(profiles, 'parser_version', 'integer') }}, 0) as parser_version,
        {{ landed_column(profiles, 'account', 'text') }} as account,
        {{ landed_column(profiles, 'pages', 'jsonb') }} as pages,
        _airbyte_extracted_at as loaded_at
    from {{ profiles }}
    where profile_id is not null and scraped_at is not null
    {%- if is_incremental() %}
        and {{ loaded_since_last_run('_airbyte_extracted_at') }}
    {%- endif %}
),

newest as (
    select distinct on (profile_id, scraped_at) *
    from landed
    order by profile_id, scraped_at, parser_version desc, loaded_at desc
),

with_role as (
    select
        newest.*,
        (
            select role
            from jsonb_array_elements(newest.experiences) with ordinality as listed (role, position)
            where (role ->> 'is_current')::boolean
            order by position
            limit 1
        ) as first_current_role
    from newest
)

select
    profile_id,
    scraped_at,
    status,
    attempted,
    run_id,
    url,
    name,
    headline,
    location,
    top_card_company,
    coalesce(top_card_company, first_current_role ->> 'company') as current_company,
    case
        when top_card_company is not null then 'top_card'
        when first_current_role ->> 'company' is not null then 'current_role'
    end as current_company_source,
    first_current_role ->> 'title' as current_title,
    connections,
    connections_capped,
    followers,
    about,
    experiences,
    educations,
    skills,
    {%- for section in five_sections() %}
    {{ section }},
    {%- endfor %}
    parser_version,
    account,
    pages,
    loaded_at
from with_role
{%- if is_incremental() %}
-- A late row of an older parser version never replaces what a newer one gave.
where not exists (
    select 1 from {{ this }} as kept
    where kept.profile_id = with_role.profile_id
        and kept.scraped_at = with_role.scraped_at
        and kept.parser_version > with_role.parser_version
)
{%- endif %}
