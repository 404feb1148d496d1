-- What every table, view and column means, readable from the live database
-- (`replyaudit schema`). Generated from docs/dataset.md by tests/dataset_doc.py:
-- `REPLYAUDIT_UPDATE_DOCS=1 make test` refreshes it; never edit by hand.

comment on table runs is 'one row per crawl';
comment on column runs.run_id is 'increasing id of the crawl';
comment on column runs.started_at is 'when the crawl started';
comment on column runs.finished_at is 'when it ended (NULL while running or if it died)';
comment on column runs.config_name is '`[audit] name` of the config';
comment on column runs.client_id is 'the client brand''s id';
comment on column runs.status is '`running`, `finished` (everything fetched), `partial` (some pages could not be fetched: see `fetch_failures`), `failed`';
comment on column runs.window_start is 'first instant of the audit window';
comment on column runs.window_end is 'end of the window, exclusive; NULL = open-ended';
comment on column runs.sla_seconds is 'an answer later than this is late';
comment on column runs.ignore_after_seconds is 'an unanswered post older than this is ignored';
comment on column runs.as_of is 'instant statuses are judged at; NULL = `started_at`';
comment on column runs.stats is 'per platform: `requests`, `responses` (count by HTTP status), `items` (`posts`, `accounts`), `retries`, `rate_limit_pauses` (times a spent rate limit held the platform until its reset), `failures`, `malformed_json`, `dropped_items`, `mentions` (`searched`, `skipped` or `not applicable`), `notes` (plain-language coverage notes), `finish_reason`, `mode` (`full`: the whole window was sampled; `incremental`: a `benchmark run` that fetched only what is new since the previous run plus the threads that could still change, see README "Weekly benchmarks")';

comment on table brands is 'one row per audited brand';
comment on column brands.brand_id is 'the id used in the config';
comment on column brands.name is 'display name';

comment on table accounts is 'brand accounts and every customer seen';
comment on column accounts.platform is '`bluesky`, `mastodon`, `x` (imported, see below)';
comment on column accounts.account_id is 'Bluesky: the DID (`did:plc:…`); Mastodon: `user@instance` (stable across instances, unlike numeric ids); X (imported): the screen name or the dataset''s customer number';
comment on column accounts.handle is 'the handle when crawled';
comment on column accounts.display_name is 'as the platform shows it (untrusted text)';
comment on column accounts.followers is 'follower count when crawled; NULL if unknown';
comment on column accounts.brand_id is 'the brand this account answers for; NULL for customers';
comment on column accounts.url is 'profile URL';
comment on column accounts.fetched_at is 'last time it was seen';
comment on column accounts.run_id is 'last run that saw it';

comment on table posts is 'every post crawled or imported';
comment on column posts.platform is '`bluesky`, `mastodon`, `x` (imported)';
comment on column posts.post_id is 'Bluesky: the AT-URI; Mastodon: the ActivityPub URI (`uri`), global across instances; X (imported): the tweet id';
comment on column posts.url is 'link to the post on the web';
comment on column posts.author_id is '`accounts.account_id` of the author';
comment on column posts.created_at is 'when it was posted (Bluesky: the record''s `createdAt`, or `indexedAt` when the client''s clock claims a later time)';
comment on column posts.text is 'plain text (Mastodon HTML converted); untrusted';
comment on column posts.parent_id is 'the post it replies to; NULL for a thread''s first post or when unknown';
comment on column posts.root_id is 'the first post of its thread (itself for a first post)';
comment on column posts.brand_id is 'the author''s brand for brand posts; otherwise the brand whose crawl found the post';
comment on column posts.by_brand is 'written by a brand account';
comment on column posts.like_count is 'as the platform counted them when crawled';
comment on column posts.reply_count is 'as the platform counted them when crawled';
comment on column posts.repost_count is 'as the platform counted them when crawled';
comment on column posts.language is 'the post''s declared language (BCP 47), if any';
comment on column posts.fetched_at is 'last time it was fetched';
comment on column posts.run_id is 'last run that fetched it';

comment on table post_mentions is 'the accounts a post mentions';
comment on column post_mentions.platform is 'the mentioning post';
comment on column post_mentions.post_id is 'the mentioning post';
comment on column post_mentions.account_id is 'the mentioned account (Bluesky mention facets, Mastodon `mentions[]`)';

comment on table post_addressees is 'posts a platform itself addresses to a brand';
comment on column post_addressees.platform is 'the customer post';
comment on column post_addressees.post_id is 'the customer post';
comment on column post_addressees.brand_id is 'the brand it is addressed to';
comment on column post_addressees.reason is 'why, per platform: e.g. `topic` (opened in the brand''s community), `submission` (in the brand''s subreddit), `review` (of the brand)';

comment on table fetch_failures is 'what a run could not fetch';
comment on column fetch_failures.run_id is 'the run that could not fetch it';
comment on column fetch_failures.platform is 'the platform asked';
comment on column fetch_failures.brand_id is 'the brand being crawled';
comment on column fetch_failures.url is 'the request';
comment on column fetch_failures.status is 'HTTP status after retries; NULL for network errors';
comment on column fetch_failures.reason is '`HTTP 500`, `malformed JSON`, a network error';
comment on column fetch_failures.occurred_at is 'when the last attempt failed';

comment on table post_classes is 'what kind of post each customer post is';
comment on column post_classes.platform is 'the customer post (key)';
comment on column post_classes.post_id is 'the customer post (key)';
comment on column post_classes.class is '`question`, `complaint`, `praise` or `other`';
comment on column post_classes.sentiment is 'the classifier''s score in [-1, 1] (VADER''s compound score); NULL for a method without one';
comment on column post_classes.classifier is 'name and version of the method that decided (`vader-rules-1`)';
comment on column post_classes.classified_at is 'when';

comment on table brand_metrics_history is 'the metrics as each benchmark run reported them';
comment on column brand_metrics_history.run_id is 'the benchmark run (`runs.run_id`)';
comment on column brand_metrics_history.week is 'Monday of the UTC week the run''s `as_of` falls in; trends use the last run of each week';
comment on column brand_metrics_history.as_of is 'the instant statuses were judged at';
comment on column brand_metrics_history.window_start is 'the run''s window (end exclusive; NULL = open)';
comment on column brand_metrics_history.window_end is 'the run''s window (end exclusive; NULL = open)';
comment on column brand_metrics_history.sla_seconds is 'the run''s thresholds';
comment on column brand_metrics_history.ignore_after_seconds is 'the run''s thresholds';
comment on column brand_metrics_history.brand_id is 'as in `brand_metrics` (platform `all` = every platform together)';
comment on column brand_metrics_history.platform is 'as in `brand_metrics` (platform `all` = every platform together)';
comment on column brand_metrics_history.customer_posts is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.on_time is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.late is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.ignored is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.pending is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.answered is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.response_rate is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.response_rate_low is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.response_rate_high is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.median_response_seconds is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.p90_response_seconds is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.within_sla_rate is 'as in `brand_metrics`, at the time';
comment on column brand_metrics_history.recorded_at is 'when the row was written';

comment on view audit_params is 'the judging run, one row (none before the first crawl)';
comment on column audit_params.run_id is 'the latest `finished` or `partial` run';
comment on column audit_params.window_start is 'its first instant of the window';
comment on column audit_params.window_end is 'its end of the window, exclusive; NULL = open-ended';
comment on column audit_params.sla_seconds is 'its SLA: an answer later than this is late';
comment on column audit_params.ignore_after_seconds is 'its threshold: an unanswered post older than this is ignored';
comment on column audit_params.as_of is 'the instant every post is judged at: the run''s `as_of`, or its `started_at`';

comment on view customer_posts is 'one row per (customer post, brand it is addressed to)';
comment on column customer_posts.platform is 'the customer post';
comment on column customer_posts.post_id is 'the customer post';
comment on column customer_posts.brand_id is 'the brand it is addressed to (a post addressed to two brands has two rows)';
comment on column customer_posts.author_id is 'its author';
comment on column customer_posts.author_handle is 'its author';
comment on column customer_posts.author_followers is 'the author''s followers (reach)';
comment on column customer_posts.created_at is 'when the customer posted it';
comment on column customer_posts.first_response_at is 'the brand''s first answer below it; NULL if none';
comment on column customer_posts.first_response_id is '`post_id` of that answer';
comment on column customer_posts.response_seconds is '`first_response_at - created_at`';
comment on column customer_posts.status is '`on_time`, `late`, `ignored`, `pending`';
comment on column customer_posts.url is 'from `posts`';
comment on column customer_posts.text is 'from `posts`';
comment on column customer_posts.parent_id is 'from `posts`';
comment on column customer_posts.root_id is 'from `posts`';

comment on view brand_metrics is 'one row per brand and platform, plus `platform = ''all''`';
comment on column brand_metrics.brand_id is 'the brand';
comment on column brand_metrics.platform is 'every platform the brand has an account on, and `all`';
comment on column brand_metrics.customer_posts is 'posts addressed to the brand in the window';
comment on column brand_metrics.on_time is 'by status';
comment on column brand_metrics.late is 'by status';
comment on column brand_metrics.ignored is 'by status';
comment on column brand_metrics.pending is 'by status';
comment on column brand_metrics.answered is 'on_time + late';
comment on column brand_metrics.response_rate is 'answered / (answered + ignored); NULL when that is 0';
comment on column brand_metrics.response_rate_low is 'Wilson 95 % score interval';
comment on column brand_metrics.response_rate_high is 'Wilson 95 % score interval';
comment on column brand_metrics.median_response_seconds is 'over answered posts; linear interpolation between order statistics';
comment on column brand_metrics.p90_response_seconds is 'over answered posts; linear interpolation between order statistics';
comment on column brand_metrics.within_sla_rate is 'on_time / (answered + ignored)';

comment on view brand_metrics_current is 'the latest truth beside the history';
comment on column brand_metrics_current.run_id is 'the judging run (`audit_params.run_id`)';
comment on column brand_metrics_current.week is 'Monday of the UTC week its `as_of` falls in';
comment on column brand_metrics_current.as_of is 'the instant statuses are judged at';
comment on column brand_metrics_current.brand_id is 'as in `brand_metrics`';
comment on column brand_metrics_current.platform is 'as in `brand_metrics`';
comment on column brand_metrics_current.customer_posts is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.on_time is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.late is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.ignored is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.pending is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.answered is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.response_rate is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.response_rate_low is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.response_rate_high is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.median_response_seconds is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.p90_response_seconds is 'as in `brand_metrics`, judged now';
comment on column brand_metrics_current.within_sla_rate is 'as in `brand_metrics`, judged now';
