-- 006: the star rating of a review (Trustpilot, 1-5), so the response rate to negative
-- reviews (1-2 stars) can be reported beside the overall one. NULL for every other post.
alter table posts add column rating smallint;
