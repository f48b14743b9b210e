{#- One row per certification per ok scrape. In the page's order (configured with the other lists in dbt_project.yml);
    a record of schema_version 1, which has no certifications, gives none. -#}
select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.item ->> 'name' as name,
    listed.item ->> 'issuer' as issuer,
    {{ dated('listed.item', 'issued', 'issued') }},
    {{ dated('listed.item', 'expires', 'expires') }},
    listed.item ->> 'credential_id' as credential_id,
    s.loaded_at
{{ items_of_ok_scrapes('certifications') }}
