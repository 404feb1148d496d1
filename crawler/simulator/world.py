"""A seeded synthetic world of brands, customers and conversations, with known ground truth.

The world is platform-neutral: accounts and posts with authors, parents, mentions and
timestamps. Each platform module (`simulator/bluesky.py`, …) mints its own ids for them and
serves them in that platform's real API shapes. `truth.py` judges every customer post with
the documented definitions, independently of the metric SQL, so the two can be compared.

The same seed and `now` always give the same world.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

HOSTILE_TEXT = (
    '<script>alert("owned")</script><img src=x onerror=alert(1)> {{ 7*7 }} '
    "${jndi:ldap://x} & \"quotes\" 'single' — why is my refund still missing?"
)

# (brand id, name, per platform: [(handle, is_primary)], answer probability, speed factor)
DEMO_BRANDS: tuple[tuple[str, str, dict[str, list[str]], float, float], ...] = (
    ("acme", "Acme Air",
     {"bluesky": ["acmeair.bsky.social", "acmehelp.bsky.social"],
      "mastodon": ["acmeair@mastodon.social"],
      "x": ["AcmeAir", "AcmeHelp"]}, 0.55, 1.6),
    ("globex", "Globex Airways",
     {"bluesky": ["globex.com", "globexhelp.bsky.social"],
      "mastodon": ["globex@fosstodon.org"],
      "x": ["GlobexAir"]}, 0.8, 0.5),
    ("initech", "Initech Airlines",
     {"bluesky": ["initech.bsky.social"], "mastodon": ["initech@mastodon.social"],
      "x": ["InitechAir"]}, 0.35, 3.0),
)
CUSTOMER_DOMAINS = {
    "bluesky": ["bsky.social"],
    "mastodon": ["mastodon.social", "fosstodon.org", "hachyderm.io"],
    "x": ["x.com"],  # X has no domains: the simulator serves the part before '@'
}
COMPLAINTS = (
    "My flight {n} was cancelled and nobody tells me why.",
    "Still waiting for my refund, booking ref {n}.",
    "Lost luggage on flight {n}, any update?",
    "Is the app down? Can't check in for {n}.",
    "Great crew on {n} today, thank you!",
    "How do I change the name on booking {n}?",
    "Three hours on hold. Flight {n}. Seriously?",
    "Can I bring a bike on flight {n}?",
)
ANNOUNCEMENTS = (
    "New routes this winter: see what's on sale.",
    "Travel advisory: storms may affect flights today.",
    "Our app has a new look. Tell us what you think!",
    "Weekend deals are live.",
)


@dataclass
class Account:
    """An account on one platform. `key` is the id the crawler will store."""

    platform: str
    key: str
    handle: str
    display_name: str
    followers: int
    brand_id: str | None = None
    native_id: str = ""  # the platform's own id where it differs from `key`


@dataclass
class Post:
    """A post in the world. `children` is filled in once the world is complete."""

    platform: str
    post_id: str
    native_id: str
    author: Account
    created_at: datetime
    text: str
    parent: Post | None = None
    mentions: list[Account] = field(default_factory=list)
    # The brand whose own space this post was made in (a topic in its community, a review
    # of it): addressed to that brand without a reply or mention. See post_addressees.
    addressed_to: str | None = None
    children: list[Post] = field(default_factory=list)
    likes: int = 0
    reposts: int = 0
    language: str = "en"

    @property
    def root(self) -> Post:
        post = self
        while post.parent is not None:
            post = post.parent
        return post

    def depth(self) -> int:
        depth, post = 0, self
        while post.parent is not None:
            depth, post = depth + 1, post.parent
        return depth


class PlatformIds(Protocol):
    """How a platform names accounts and posts; each simulator platform module provides one.

    A platform whose conversations are not timelines (forums, reviews, video comments) also
    defines `populate(builder, settings)` to generate them; the others share `_populate`."""

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        """(key stored by the crawler, native id) for an account with this handle."""

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        """(post id stored by the crawler, native id) for a new post."""


@dataclass(frozen=True)
class WorldSettings:
    """The audit settings the world is generated for (and its truth judged with)."""

    window_days: int = 21
    history_days: int = 28
    sla_minutes: int = 60
    ignore_after_hours: int = 72
    customers_per_platform: int = 120
    brand_posts_per_day: float = 0.8
    mentions_per_day: float = 1.5


@dataclass
class World:
    seed: int
    now: datetime
    settings: WorldSettings
    brands: dict[str, str]  # id -> name
    accounts: dict[str, list[Account]]  # platform -> accounts
    posts: dict[str, list[Post]]  # platform -> posts, oldest first

    @property
    def window_start(self) -> datetime:
        day = (self.now - timedelta(days=self.settings.window_days)).date()
        return datetime(day.year, day.month, day.day, tzinfo=self.now.tzinfo)

    def brand_accounts(self, platform: str) -> list[Account]:
        return [a for a in self.accounts[platform] if a.brand_id]

    def post(self, platform: str, post_id: str) -> Post | None:
        return self._index(platform).get(post_id)

    def _index(self, platform: str) -> dict[str, Post]:
        cache = self.__dict__.setdefault("_post_index", {})
        if platform not in cache:
            cache[platform] = {p.post_id: p for p in self.posts[platform]}
        return cache[platform]


def _ms(t: datetime) -> datetime:
    """Platforms report milliseconds; keep the world at that precision."""
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


class _Builder:
    """Generates one platform's conversations; all randomness comes from `rng`."""

    def __init__(self, world: World, platform: str, ids: PlatformIds, rng: random.Random) -> None:
        self.world, self.platform, self.ids, self.rng = world, platform, ids, rng
        self.posts: list[Post] = []
        self.brand_traits = {b[0]: (b[3], b[4]) for b in DEMO_BRANDS}

    def account(self, handle: str, name: str, followers: int, brand_id: str | None) -> Account:
        key, native = self.ids.account_key(handle, self.rng)
        account = Account(self.platform, key, handle, name, followers, brand_id, native)
        self.world.accounts[self.platform].append(account)
        return account

    def post(self, author: Account, at: datetime, text: str, parent: Post | None = None,
             mentions: list[Account] | None = None, addressed_to: str | None = None,
             ) -> Post | None:
        at = _ms(at)
        if at > self.world.now:
            return None  # not happened yet
        if mentions:
            text = " ".join(f"@{m.handle}" for m in mentions) + " " + text
        post_id, native = self.ids.post_id(author, at, self.rng)
        post = Post(self.platform, post_id, native, author, at, text, parent, mentions or [],
                    addressed_to, likes=self.rng.randint(0, 40), reposts=self.rng.randint(0, 5))
        if parent is not None:
            parent.children.append(post)
        self.posts.append(post)
        return post

    def delay(self, speed: float) -> timedelta:
        """Minutes to days: a log-uniform spread, scaled by how slow the brand is."""
        minutes = 10 ** self.rng.uniform(0.3, 3.6) * speed
        return timedelta(minutes=minutes, seconds=self.rng.randint(0, 59),
                         milliseconds=self.rng.randint(0, 999))

    def maybe_answer(self, post: Post, brand_id: str, accounts: list[Account]) -> None:
        """The brand answers `post` directly, in a sub-thread, or never."""
        rate, speed = self.brand_traits[brand_id]
        roll = self.rng.random()
        if roll < rate * 0.75:
            answer = self.post(self.rng.choice(accounts), post.created_at + self.delay(speed),
                               "Sorry to hear that, we're looking into it. DM us your details.",
                               parent=post)
            if answer is not None and self.rng.random() < 0.3:
                self.customer_follow_up(answer, brand_id, accounts)
        elif roll < rate:
            # A friend chimes in, the brand answers under the friend's reply: still a
            # response to the original post, which is the friend's ancestor.
            friend = self.post(self.customer(), post.created_at + self.delay(0.2),
                               "Same happened to me last week.", parent=post)
            if friend is not None:
                self.post(self.rng.choice(accounts), friend.created_at + self.delay(speed),
                          "We're sorry to both of you, checking now.", parent=friend)
        elif self.rng.random() < 0.3:
            self.post(self.customer(), post.created_at + self.delay(0.3),
                      "Any luck? They never answer me either.", parent=post)

    def customer_follow_up(self, answer: Post, brand_id: str, accounts: list[Account]) -> None:
        follow = self.post(answer.parent.author if answer.parent else self.customer(),
                           answer.created_at + self.delay(0.5), "Done, sent you a DM.",
                           parent=answer)
        if follow is not None:
            self.maybe_answer(follow, brand_id, accounts)

    def customer(self) -> Account:
        return self.rng.choice([a for a in self.world.accounts[self.platform] if not a.brand_id])

    def complaint(self) -> str:
        return self.rng.choice(COMPLAINTS).format(n=f"{self.rng.choice('AGI')}{self.rng.randint(100, 999)}")


def generate_world(seed: int, now: datetime, platforms: dict[str, PlatformIds],
                   settings: WorldSettings | None = None) -> World:
    """Build the world for `seed` as it stands at `now` (posts after `now` do not exist)."""
    settings = settings or WorldSettings()
    world = World(seed, now, settings, {b[0]: b[1] for b in DEMO_BRANDS},
                  {p: [] for p in platforms}, {p: [] for p in platforms})
    for platform, ids in sorted(platforms.items()):
        rng = random.Random(f"{seed}:{platform}")
        builder = _Builder(world, platform, ids, rng)
        populate = getattr(ids, "populate", None)
        if populate is not None:
            populate(builder, settings)
        else:
            _populate(builder, settings)
        world.posts[platform] = _drop_boundary_posts(builder.posts, world)
    return world


def _populate(b: _Builder, settings: WorldSettings) -> None:
    rng, world = b.rng, b.world
    brand_accounts: dict[str, list[Account]] = {}
    for brand_id, name, handles, _, _ in DEMO_BRANDS:
        for i, handle in enumerate(handles.get(b.platform, [])):
            label = name if i == 0 else f"{name} Help"
            account = b.account(handle, label, rng.randint(20_000, 400_000), brand_id)
            brand_accounts.setdefault(brand_id, []).append(account)
    for i in range(settings.customers_per_platform):
        domain = rng.choice(CUSTOMER_DOMAINS[b.platform])
        user = f"traveller{i:03d}"
        handle = f"{user}.{domain}" if b.platform == "bluesky" else f"{user}@{domain}"
        b.account(handle, f"Traveller {i}", int(10 ** rng.uniform(0.5, 5)), None)
    hostile = b.account(
        "evil.bsky.social" if b.platform == "bluesky" else "evil@hachyderm.io",
        '<b onmouseover="alert(1)">Mallory</b>', 99_999, None)

    start = world.now - timedelta(days=settings.history_days)
    for brand_id, accounts in brand_accounts.items():
        t = start
        while True:
            t += timedelta(days=rng.expovariate(settings.brand_posts_per_day))
            if t > world.now:
                break
            root = b.post(accounts[0], t, rng.choice(ANNOUNCEMENTS))
            if root is None:
                break
            for _ in range(rng.randint(0, 6)):
                reply = b.post(b.customer(), t + b.delay(0.4), b.complaint(), parent=root)
                if reply is None:
                    continue
                if rng.random() < 0.15:
                    # Customer-to-customer chatter; mentioning the brand makes it addressed.
                    mention = [rng.choice(accounts)] if rng.random() < 0.5 else []
                    chat = b.post(b.customer(), reply.created_at + b.delay(0.3),
                                  "Same here, it's a mess.", parent=reply, mentions=mention)
                    if chat is not None and mention:
                        b.maybe_answer(chat, brand_id, accounts)
                b.maybe_answer(reply, brand_id, accounts)
        t = start
        while True:
            t += timedelta(days=rng.expovariate(settings.mentions_per_day))
            if t > world.now:
                break
            targets = [accounts[0]]
            if rng.random() < 0.1:  # one post, two brands: counts for each
                other = rng.choice([a for k, v in brand_accounts.items() if k != brand_id for a in v])
                targets.append(other)
            mention = b.post(b.customer(), t, b.complaint(), mentions=targets)
            if mention is None:
                continue
            for target in targets:
                b.maybe_answer(mention, target.brand_id or brand_id, brand_accounts[target.brand_id or brand_id])
        _deep_thread(b, accounts, brand_id, start + timedelta(days=rng.uniform(8, 12)))
    # The client's handle in plain text without a mention: search servers that match text
    # return it, and it must not count (a mention is a mention facet/entity, not a string).
    b.post(b.customer(), world.now - timedelta(days=3, hours=rng.randint(6, 40)),
           f"Flying with @{brand_accounts['acme'][0].handle} next week, fingers crossed")
    # Hostile text where the report will show it: a mention the client ignores.
    b.post(hostile, world.now - timedelta(days=5, minutes=rng.randint(0, 600)), HOSTILE_TEXT,
           mentions=[brand_accounts["acme"][0]])


def _deep_thread(b: _Builder, accounts: list[Account], brand_id: str, t: datetime) -> None:
    """A long back-and-forth (depth ~26) that platforms cut; the crawler must fetch it whole."""
    root = b.post(accounts[0], t, "Live Q&A: ask us anything about your trip today.")
    customer = b.customer()
    parent = root
    for step in range(26):
        if parent is None:
            return
        author = accounts[0] if step % 2 else customer
        parent = b.post(author, parent.created_at + timedelta(minutes=b.rng.randint(2, 50)),
                        "And another question…" if author is customer else "Good question!",
                        parent=parent)
        if step == 21 and parent is not None:
            # A branch deep down the thread that only a re-fetch of the cut branch reveals.
            b.post(b.customer(), parent.created_at + timedelta(minutes=5),
                   "Deep down here, nobody answers me.", parent=parent)


def _drop_boundary_posts(posts: list[Post], world: World) -> list[Post]:
    """Remove unanswered customer posts within an hour of the ignored/pending boundary.

    Their status would flip between writing the truth and crawling; removing them (and their
    replies) keeps the truth exact for any crawl that starts within the hour.
    """
    boundary = world.now - timedelta(hours=world.settings.ignore_after_hours)
    margin = timedelta(hours=1)
    doomed: set[int] = set()
    for post in posts:
        if post.author.brand_id or abs(post.created_at - boundary) > margin:
            continue
        if not _answered_by_all(post):
            doomed.add(id(post))
    kept = []
    for post in posts:
        ancestors = []
        p: Post | None = post
        while p is not None:
            ancestors.append(id(p))
            p = p.parent
        if doomed.isdisjoint(ancestors):
            kept.append(post)
    for post in kept:
        post.children = [c for c in post.children if id(c) not in doomed]
    return kept


def _answered_by_all(post: Post) -> bool:
    """Whether every brand that could judge this post has answered it (conservative)."""
    brands = addressed_brands(post)
    if not brands:
        return True
    answered = {d.author.brand_id for d in _descendants(post)
                if d.author.brand_id and d.created_at > post.created_at}
    return brands <= answered


def addressed_brands(post: Post) -> set[str]:
    """Brands this post is addressed to: it replies to one of theirs, mentions one, or was
    made in a brand's own space; never the author's own brand."""
    brands = {m.brand_id for m in post.mentions if m.brand_id}
    if post.parent is not None and post.parent.author.brand_id:
        brands.add(post.parent.author.brand_id)
    if post.addressed_to:
        brands.add(post.addressed_to)
    brands.discard(post.author.brand_id)
    return {b for b in brands if b}


def _descendants(post: Post) -> list[Post]:
    out, stack = [], list(post.children)
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(child.children)
    return out
