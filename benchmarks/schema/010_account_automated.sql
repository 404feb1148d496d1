-- 010: whether the platform flags an account as automated (Mastodon's `bot`, Bluesky's `bot`
-- self-label, X's "Automated" label). NULL where the platform does not say. Brand replies
-- from such accounts are automated; customer posts from them are left out of customer_posts
-- and counted (brand_metrics.bot_posts). See docs/methodology.md.
alter table accounts add column automated boolean;
