-- twcs_counts: how many records the file holds, how many were rejected and how many repeated
-- a tweet id already read, for the run's stats. Grain: one row.
select
    count(*) as records,
    count(*) filter (where not valid) as rejected,
    count(*) filter (where copy > 1) as duplicates
from twcs_tweets
