{#- A role marked current has no end date. -#}
{% test no_end_date_when_current(model, column_name) %}
select * from {{ model }} where is_current and {{ column_name }} is not null
{% endtest %}
