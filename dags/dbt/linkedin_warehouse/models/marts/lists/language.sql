{#- One row per language per ok scrape. In the page's order (configured with the other lists in dbt_project.yml);
    a record of schema_version 1, which has no languages, gives none. -#}
select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.item ->> 'name' as name,
    listed.item ->> 'proficiency' as proficiency,
    s.loaded_at
{{ items_of_ok_scrapes('languages') }}
