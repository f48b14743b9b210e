{#- One row per honor or award per ok scrape. In the page's order (configured with the other lists in dbt_project.yml);
    a record of schema_version 1, which has no honors, gives none. -#}
select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.item ->> 'title' as title,
    listed.item ->> 'issuer' as issuer,
    {{ dated('listed.item', 'date', 'awarded') }},
    s.loaded_at
{{ items_of_ok_scrapes('honors') }}
