-- twcs_counts: how many records the file holds and how many could be read, for the run's
-- stats (a second, narrow pass over the CSV). Parameter: $path. Grain: one row.
select count(*) as records, count(*) filter (where valid) as valid_records
from twcs_parsed($path)
