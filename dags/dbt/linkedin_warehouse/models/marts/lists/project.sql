{#- One row per project per ok scrape. In the page's order (configured with the other lists in dbt_project.yml);
    a record of schema_version 1, which has no projects, gives none. -#}
select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.item ->> 'title' as title,
    {{ start_and_end('listed.item') }},
    listed.item ->> 'description' as description,
    s.loaded_at
{{ items_of_ok_scrapes('projects') }}
