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

{#- The incremental watermark: rows of `relation` loaded after the newest one this model holds. -#}
{% macro loaded_since_last_run(column='loaded_at') -%}
    {{ column }} > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
{%- endmacro %}
