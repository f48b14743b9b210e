{#- One row per role per ok scrape, in the page's order (configured with the other lists in dbt_project.yml). -#}
select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.item ->> 'title' as title,
    listed.item ->> 'company' as company,
    listed.item ->> 'employment_type' as employment_type,
    {{ start_and_end('listed.item') }},
    coalesce((listed.item ->> 'is_current')::boolean, false) as is_current,
    listed.item ->> 'location' as location,
    s.loaded_at
{{ items_of_ok_scrapes('experiences') }}
