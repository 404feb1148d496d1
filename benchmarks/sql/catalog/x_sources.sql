-- x_sources: which id schemes the dataset's X posts use. 'twcs': imported from the TWCS CSV
-- (renumbered tweets, anonymised customers); 'x': X's own ids (crawled, or from a HAR file).
-- A TWCS run is named 'TWCS import: <file>' (benchmarks/importers/twcs.py).
select distinct
    case when r.config_name like 'TWCS import: %' then 'twcs' else 'x' end as source
from posts as p
inner join runs as r on p.run_id = r.run_id
where p.platform = 'x'
order by source;
