{#- One row per school entry per ok scrape, in the page's order (configured in dbt_project.yml). -#}
select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.item ->> 'school' as school,
    listed.item ->> 'degree' as degree,
    {{ start_and_end('listed.item') }},
    s.loaded_at
{{ items_of_ok_scrapes('educations') }}
