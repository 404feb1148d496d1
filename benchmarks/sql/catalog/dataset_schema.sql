-- dataset_schema: every table and view of the dataset with its columns, types and meanings,
-- read from the live database's comments (sql/comments.sql, generated from docs/dataset.md),
-- so `replyaudit schema` says what docs/dataset.md says. Internal tables (`_…`)
-- and temporary objects are left out. Grain: one row per (relation, column).
with tables as (
    select table_name as relation, 'table' as kind, comment
    from duckdb_tables()
    where database_name = current_database()
        and schema_name = 'main'
        and not starts_with(table_name, '_')
),

views as (
    select view_name as relation, 'view' as kind, comment
    from duckdb_views()
    where database_name = current_database()
        and schema_name = 'main'
        and not internal
),

relation_columns as (
    select table_name as relation, column_index, column_name, data_type, comment
    from duckdb_columns()
    where database_name = current_database()
        and schema_name = 'main'
),

final as (
    select
        relations.relation,
        relations.kind,
        relations.comment as relation_meaning,
        relation_columns.column_name,
        -- spelt as docs/dataset.md spells it
        replace(relation_columns.data_type, 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ')
            as data_type,
        relation_columns.comment as meaning,
        relation_columns.column_index
    from (select * from tables union all select * from views) as relations
    join relation_columns using (relation)
)

select * from final
order by kind, relation, column_index
