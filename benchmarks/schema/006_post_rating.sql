-- 006: the star rating of a review (Trustpilot, 1-5), so the response rate to negative
-- reviews (1-2 stars) can be reported beside the overall one. NULL for every other post.
alter table posts add column rating smallint;

-- Benchmark history keeps the negative-review rate as reported that week, like the others.
alter table brand_metrics_history add column negative_reviews bigint;
alter table brand_metrics_history add column negative_response_rate double;
