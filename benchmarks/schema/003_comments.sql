-- 003: what every table and column means, readable from the live database
-- (`replyaudit schema`, duckdb_columns().comment). The text is docs/dataset.md's, word for
-- word; tests/test_docs.py fails when the two differ. Views carry theirs in sql/.

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
comment on column runs.stats is 'per platform: `requests`, `responses` (count by HTTP status), `items` (`posts`, `accounts`), `retries`, `rate_limit_pauses` (times a spent rate limit held the platform until its reset), `failures`, `malformed_json`, `dropped_items`, `mentions` (`searched`, `skipped` or `not applicable`), `notes` (plain-language coverage notes), `finish_reason`';

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

comment on table fetch_failures is 'what a run could not fetch';
comment on column fetch_failures.run_id is 'the run that could not fetch it';
comment on column fetch_failures.platform is 'the platform asked';
comment on column fetch_failures.brand_id is 'the brand being crawled';
comment on column fetch_failures.url is 'the request';
comment on column fetch_failures.status is 'HTTP status after retries; NULL for network errors';
comment on column fetch_failures.reason is '`HTTP 500`, `malformed JSON`, a network error';
comment on column fetch_failures.occurred_at is 'when the last attempt failed';
