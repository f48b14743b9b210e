{#- One row per listed skill per ok scrape, in the page's order (configured in dbt_project.yml). -#}
select
    s.profile_id,
    s.scraped_at,
    listed.position::integer as position,
    listed.item as skill,
    s.loaded_at
{{ items_of_ok_scrapes('skills', elements='jsonb_array_elements_text') }}
