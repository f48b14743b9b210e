{#- Reading Airbyte's table, whose columns follow the record's version: a column that no landed record has
    carried yet does not exist at all (Airbyte adds it on the first sync that carries it). -#}

{% macro landed_column(relation, name, sql_type) -%}
    {%- if execute and name not in adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
        cast(null as {{ sql_type }})
    {%- else -%}
        cast({{ adapter.quote(name) }} as {{ sql_type }})
    {%- endif -%}
{%- endmacro %}

{#- Airbyte lands a missing or null list as SQL NULL, and a list of the wrong type as NULL too. -#}
{% macro jsonb_list(column) -%}
    case when jsonb_typeof({{ column }}) = 'array' then {{ column }} else '[]'::jsonb end
{%- endmacro %}

{#- The record's dates are `YYYY-MM` or `YYYY`: the first day of that month or year, and its precision.
    Anything else is NULL (and the precision says nothing), never a failed cast. -#}
{% macro partial_date(text) -%}
    case
        when {{ text }} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' then to_date({{ text }}, 'YYYY-MM')
        when {{ text }} ~ '^[0-9]{4}$' then to_date({{ text }}, 'YYYY')
    end
{%- endmacro %}

{% macro date_precision(text) -%}
    case
        when {{ text }} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' then 'month'
        when {{ text }} ~ '^[0-9]{4}$' then 'year'
    end
{%- endmacro %}

{#- The incremental watermark: `column` is newer than the newest loaded_at this model holds. The value is
    read first and written into the query as a literal, so that PostgreSQL plans an index scan for it
    (against a subquery it plans for a third of the table). -#}
{% macro loaded_since_last_run(column='loaded_at') -%}
    {%- set newest = "'-infinity'" -%}
    {%- if execute and is_incremental() -%}
        {%- set found = run_query("select max(loaded_at)::text from " ~ this).columns[0].values()[0] -%}
        {%- if found is not none -%}{%- set newest = "'" ~ found ~ "'" -%}{%- endif -%}
    {%- endif -%}
    {{ column }} > {{ newest }}::timestamptz
{%- endmacro %}

{#- The FROM of a list table (experience, education, skill): each item of `column` of each ok scrape, as
    `listed.item` at `listed.position` (1 = first). Incremental: the scrapes stg_profiles received since
    this table's newest loaded_at, whose rows replace all rows of their (profile_id, scraped_at). -#}
{% macro items_of_ok_scrapes(column, elements='jsonb_array_elements') -%}
from {{ ref('stg_profiles') }} as s
cross join lateral {{ elements }}(s.{{ column }}) with ordinality as listed (item, position)
where s.status = 'ok'
{%- if is_incremental() %} and {{ loaded_since_last_run('s.loaded_at') }}{% endif %}
{%- endmacro %}

{#- start_date, start_date_precision, end_date, end_date_precision of a role or school entry `item`. -#}
{% macro start_and_end(item) -%}
    {{ partial_date(item ~ " ->> 'start'") }} as start_date,
    {{ date_precision(item ~ " ->> 'start'") }} as start_date_precision,
    {{ partial_date(item ~ " ->> 'end'") }} as end_date,
    {{ date_precision(item ~ " ->> 'end'") }} as end_date_precision
{%- endmacro %}

{#- The lists the record gained in schema_version 2 (scraper/models.py), each read into its own table. -#}
{% macro five_sections() -%}
    {{ return(['certifications', 'languages', 'projects', 'volunteering', 'honors']) }}
{%- endmacro %}

{#- `<name>_date`, `<name>_date_precision` of one date field of an item. -#}
{% macro dated(item, field, name) -%}
    {{ partial_date(item ~ " ->> '" ~ field ~ "'") }} as {{ name }}_date,
    {{ date_precision(item ~ " ->> '" ~ field ~ "'") }} as {{ name }}_date_precision
{%- endmacro %}
