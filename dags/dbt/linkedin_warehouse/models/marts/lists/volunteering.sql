{#- One row per volunteering role per ok scrape. In the page's order (configured with the other lists in dbt_project.yml);
    a record of schema_version 1, which has no volunteering, gives none. -#}
select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.item ->> 'role' as role,
    listed.item ->> 'organization' as organization,
    listed.item ->> 'cause' as cause,
    {{ start_and_end('listed.item') }},
    s.loaded_at
{{ items_of_ok_scrapes('volunteering') }}
