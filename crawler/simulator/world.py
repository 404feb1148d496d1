"""A seeded synthetic world of brands, customers and conversations, with known ground truth.

The world is platform-neutral: accounts and posts with authors, parents, mentions and
timestamps. Each platform module (`simulator/bluesky.py`, …) mints its own ids for them and
serves them in that platform's real API shapes. `truth.py` judges every customer post with
the documented definitions, independently of the metric SQL, so the two can be compared.

Time travel: the world is generated day by day, each UTC day from its own random stream
(seed, platform, day), with every conversation played out in full, and `now` only hides what
has not happened yet. So the same seed with a later `now` is the same world later on: every
post that existed keeps its id and timestamp, and the posts and answers written since appear.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, cast
from zoneinfo import ZoneInfo

HOSTILE_TEXT = (
    '<script>alert("owned")</script><img src=x onerror=alert(1)> {{ 7*7 }} '
    "${jndi:ldap://x} & \"quotes\" 'single' — why is my refund still missing?"
)
HOSTILE_NAME = '<b onmouseover="alert(1)">Mallory</b>'
# In the demo (WorldSettings.hostile off) the same account is an ordinary customer.
WRITER_NAME = "Dana Whitfield"
WRITER_TEXT = ("Two weeks since my flight was cancelled and still no refund. I've sent the "
               "form twice and called three times. Is anyone reading these?")
FIRST_NAMES = ("Maria", "James", "Aisha", "Tom", "Priya", "Lukas", "Chloe", "Daniel", "Yuki",
               "Sofia", "Omar", "Emma", "Mateo", "Hannah", "Kwame", "Lea", "Ravi", "Grace",
               "Jonas", "Ines")
LAST_NAMES = ("Lopez", "Carter", "Khan", "Becker", "Nguyen", "Rossi", "Okafor", "Murphy",
              "Silva", "Tanaka", "Dubois", "Novak", "Haddad", "Jensen", "Moreau", "Park",
              "Walsh", "Costa", "Fischer", "Ahmed")

# (brand id, name, answer probability, speed factor). Each timeline platform's module names
# the brands' accounts on it (TimelineIds.brand_handles).
DEMO_BRANDS: tuple[tuple[str, str, float, float], ...] = (
    ("acme", "Acme Air", 0.55, 1.6),
    ("globex", "Globex Airways", 0.8, 0.5),
    ("initech", "Initech Airlines", 0.35, 3.0),
)
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
# What a brand's auto-acknowledgement account posts, seconds after a customer writes.
AUTO_REPLY = ("Thanks for your message! It is in our queue and one of our agents will reply "
              "here as soon as they can.")
# What a bot customer (a flight tracker the platform flags as automated) posts at brands.
BOT_TEXTS = (
    "Flight {n} is now delayed by {m} minutes. #flightstatus",
    "Flight {n} departed {m} minutes late. #flightstatus",
    "Gate change for flight {n}: now boarding at gate {m}. #flightstatus",
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
    # The platform flags the account as automated (Mastodon's `bot`, Bluesky's `bot`
    # self-label): a bot customer's posts are no customer posts, an automated brand
    # account's replies are answers but no person's.
    automated: bool = False


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
    rating: int | None = None  # a review's stars (Trustpilot)
    # What the post does, as its author meant it: "redirect" (a brand moves the customer to
    # a private channel), "confirmation" (a customer confirms that move), "" otherwise. The
    # ground truth judges hand-offs by it; the crawler must read the same from the text.
    kind: str = ""

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


@dataclass(frozen=True)
class OpenHours:
    """When a brand's care desk is open: ISO weekdays, local opening and closing times."""

    timezone: str
    days: tuple[int, ...]
    opens: time
    closes: time

    def next_open(self, t: datetime) -> datetime | None:
        """`t` if the desk is open then, else the instant it next opens (None: never)."""
        zone = ZoneInfo(self.timezone)
        day = t.astimezone(zone).date()
        for _ in range(8):
            if day.isoweekday() in self.days:
                opens = datetime.combine(day, self.opens, zone).astimezone(UTC)
                closes = datetime.combine(day, self.closes, zone).astimezone(UTC)
                if t < closes:
                    return max(t, opens)
            day += timedelta(days=1)
        return None

    def as_config(self) -> dict[str, str]:
        """The `business_hours` table of an audit config (docs/config.md)."""
        names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        first, last = self.days[0], self.days[-1]
        days = (f"{names[first - 1]}-{names[last - 1]}"
                if list(self.days) == list(range(first, last + 1))
                else ",".join(names[d - 1] for d in self.days))
        return {"timezone": self.timezone, "days": days,
                "hours": f"{self.opens:%H:%M}-{self.closes:%H:%M}"}


# A generated panel (`replyaudit simulate --brands N`): names from these, traits from the seed.
PANEL_WORDS = ("Aurora", "Boreal", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor",
               "Indigo", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orbit", "Pioneer",
               "Quartz", "Raven", "Sierra", "Tundra")
PANEL_KINDS = ("Air", "Airways", "Airlines", "Jet", "Wings")


@dataclass(frozen=True)
class PanelBrand:
    """One generated brand of a panel: `brand001`…, its name and how it answers.

    Platform modules that can host a panel brand derive its handles from `id` (a format of
    their own, e.g. `{id}.bsky.social`), so there is no table of panel handles anywhere."""

    id: str
    name: str
    answer_rate: float
    speed: float

    @property
    def camel(self) -> str:
        """`Brand001`: for platforms whose handles are capitalised words."""
        return self.id.capitalize()


def generate_panel(seed: int, count: int) -> tuple[PanelBrand, ...]:
    """`count` generated brands, the same for the same seed (each from its own stream, so the
    first brands of a larger panel are the brands of a smaller one)."""
    brands = []
    for i in range(1, count + 1):
        rng = random.Random(f"{seed}:panel:{i}")
        name = (f"{PANEL_WORDS[(i - 1) % len(PANEL_WORDS)]} "
                f"{PANEL_KINDS[(i - 1) // len(PANEL_WORDS) % len(PANEL_KINDS)]} {i:03d}")
        brands.append(PanelBrand(f"brand{i:03d}", name, round(rng.uniform(0.3, 0.85), 2),
                                 round(rng.uniform(0.5, 3.0), 2)))
    return tuple(brands)


# Brands whose people answer only while their desk is open (every platform): an answer due
# while it is closed is written after it opens, working through the night's queue.
DEMO_OPEN_HOURS: dict[str, OpenHours] = {
    "initech": OpenHours("Europe/London", (1, 2, 3, 4, 5), time(9), time(17)),
}


class PlatformIds(Protocol):
    """How a platform names accounts and posts; each simulator platform module provides one.

    A platform whose conversations are not timelines (forums, reviews, video comments) also
    defines `populate(builder, settings)` to generate them; the others share `_populate`.
    One whose crawl reaches old conversations with new activity sets `whole_spaces = True`.
    One whose accounts the platform can flag as automated may name bot customers
    (`bot_handles`) and brands' auto-acknowledgement accounts (`automated_handles`, brand id
    -> handle); see _populate_accounts."""

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        """(key stored by the crawler, native id) for an account with this handle."""

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        """(post id stored by the crawler, native id) for a new post."""


class TimelineIds(PlatformIds, Protocol):
    """A platform on the shared brand timelines (no `populate`) also says who is on it."""

    brand_handles: Mapping[str, Sequence[str]]  # brand id -> handles, its main account first
    customer_domains: Sequence[str]  # where customers' accounts live
    hostile_handle: str  # the account that posts hostile text

    def customer_handle(self, user: str, domain: str) -> str:
        """A customer's handle from a user name and one of `customer_domains`."""


# The slowest brand answers within about nine days (see _Builder.delay), and a desk closed
# for the weekend adds almost three; a little more.
ANSWERS_WITHIN_DAYS = 13


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
    # One account posts markup and template syntax where the report quotes strangers, so the
    # tests see it escaped; the demo turns it off and the account is an ordinary customer.
    hostile: bool = True


# What `replyaudit demo` shows a prospective client: ordinary customers only.
DEMO_SETTINGS = WorldSettings(hostile=False)


def customer_name(i: int) -> str:
    """The i-th customer's display name: first and last names, distinct for i < 400."""
    first = FIRST_NAMES[i % len(FIRST_NAMES)]
    last = LAST_NAMES[(i // len(FIRST_NAMES) + i) % len(LAST_NAMES)]
    return f"{first} {last}"


def stranger(settings: WorldSettings) -> tuple[str, str]:
    """(display name, text) of the world's one outspoken stranger: hostile or realistic."""
    return (HOSTILE_NAME, HOSTILE_TEXT) if settings.hostile else (WRITER_NAME, WRITER_TEXT)


@dataclass
class World:
    seed: int
    now: datetime
    settings: WorldSettings
    brands: dict[str, str]  # id -> name
    accounts: dict[str, list[Account]]  # platform -> accounts
    posts: dict[str, list[Post]]  # platform -> posts, oldest first
    # Platforms whose crawl reaches every conversation in a brand's space that is active in
    # the window, however old its first post (a forum's topic list is ordered by activity).
    whole_spaces: set[str] = field(default_factory=set)
    # Platforms whose crawl reaches replies only through their conversation's first post (a
    # blog's articles in the window): a brand's reply under an older one leads nowhere.
    reached_from_roots: set[str] = field(default_factory=set)
    # Brands whose desks keep office hours (DEMO_OPEN_HOURS); the written config says so.
    open_hours: dict[str, OpenHours] = field(default_factory=dict)
    # The generated brands besides the demo's (`--brands N`); also in `brands`.
    panel: tuple[PanelBrand, ...] = ()

    @property
    def window_start(self) -> datetime:
        day = (self.now - timedelta(days=self.settings.window_days)).date()
        return datetime(day.year, day.month, day.day, tzinfo=self.now.tzinfo)

    def brand_accounts(self, platform: str) -> list[Account]:
        return [a for a in self.accounts[platform] if a.brand_id]

    def post(self, platform: str, post_id: str) -> Post | None:
        return self._index(platform).get(post_id)

    def posts_by(self, platform: str, author: Account) -> list[Post]:
        """The author's posts on the platform, oldest first (what filtering `posts` by author
        gives), from an index built once: a feed request costs its account's posts, not the
        whole world's (a generated panel's world is large)."""
        cache = self.__dict__.setdefault("_by_author", {})
        if platform not in cache:
            index: dict[int, list[Post]] = {}
            for post in self.posts[platform]:
                index.setdefault(id(post.author), []).append(post)
            cache[platform] = index
        return list(cache[platform].get(id(author), []))

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
        self.brand_traits = {b[0]: (b[2], b[3]) for b in DEMO_BRANDS}
        self.brand_traits.update({b.id: (b.answer_rate, b.speed) for b in world.panel})
        # A brand's auto-acknowledgement account on this platform, if it has one.
        self.auto_accounts: dict[str, Account] = {}
        self._customers: tuple[int, list[Account]] = (-1, [])

    def account(self, handle: str, name: str, followers: int, brand_id: str | None,
                automated: bool = False) -> Account:
        key, native = self.ids.account_key(handle, self.rng)
        account = Account(self.platform, key, handle, name, followers, brand_id, native,
                          automated)
        self.world.accounts[self.platform].append(account)
        return account

    def post(self, author: Account, at: datetime, text: str, parent: Post | None = None,
             mentions: list[Account] | None = None, addressed_to: str | None = None,
             kind: str = "") -> Post:
        """A post, whether or not it has happened by `now`: `visible_at` hides future ones.

        Never branching on `now` keeps the random stream, so ids and times, the same for any
        `now`. A person's answer for a brand that keeps office hours waits for its desk to
        open (see `_office_time`).
        """
        if parent is not None and at <= parent.created_at:
            # A reply planned before what it answers, which waited for office hours: it
            # comes a few minutes after instead.
            at = parent.created_at + timedelta(minutes=1 + int(at.timestamp()) % 30)
        if parent is not None and author.brand_id and not author.automated:
            at = self._office_time(author.brand_id, at)
        at = _ms(at)
        if mentions:
            text = " ".join(f"@{m.handle}" for m in mentions) + " " + text
        post_id, native = self.ids.post_id(author, at, self.rng)
        post = Post(self.platform, post_id, native, author, at, text, parent, mentions or [],
                    addressed_to, likes=self.rng.randint(0, 40), reposts=self.rng.randint(0, 5),
                    kind=kind)
        if parent is not None:
            parent.children.append(post)
        self.posts.append(post)
        return post

    def _office_time(self, brand_id: str, at: datetime) -> datetime:
        """`at`, or when the brand's desk is closed then, a moment after it next opens: up to
        90 minutes in, taken from `at` itself so the random stream is untouched."""
        hours = self.world.open_hours.get(brand_id)
        opens = hours.next_open(at) if hours else at
        if opens is None or opens == at:
            return at
        backlog = int(at.timestamp()) % 5400
        return opens + timedelta(seconds=backlog, microseconds=at.microsecond)

    def delay(self, speed: float) -> timedelta:
        """Minutes to days: a log-uniform spread, scaled by how slow the brand is."""
        minutes = 10 ** self.rng.uniform(0.3, 3.6) * speed
        return timedelta(minutes=minutes, seconds=self.rng.randint(0, 59),
                         milliseconds=self.rng.randint(0, 999))

    def maybe_answer(self, post: Post, brand_id: str, accounts: list[Account]) -> None:
        """The brand answers `post` directly, in a sub-thread, or never."""
        auto = self.auto_accounts.get(brand_id)
        if auto is not None:
            self.auto_acknowledge(post, auto)
        rate, speed = self.brand_traits[brand_id]
        roll = self.rng.random()
        if roll < rate * 0.75:
            answer = self.post(self.rng.choice(accounts), post.created_at + self.delay(speed),
                               "Sorry to hear that, we're looking into it. DM us your details.",
                               parent=post, kind="redirect")
            if self.rng.random() < 0.3:
                self.customer_follow_up(answer, brand_id, accounts)
        elif roll < rate:
            # A friend chimes in, the brand answers under the friend's reply: still a
            # response to the original post, which is the friend's ancestor.
            friend = self.post(self.customer(), post.created_at + self.delay(0.2),
                               "Same happened to me last week.", parent=post)
            self.post(self.rng.choice(accounts), friend.created_at + self.delay(speed),
                      "We're sorry to both of you, checking now.", parent=friend)
        elif self.rng.random() < 0.3:
            self.post(self.customer(), post.created_at + self.delay(0.3),
                      "Any luck? They never answer me either.", parent=post)

    def auto_acknowledge(self, post: Post, auto: Account) -> None:
        """The brand's automated account acknowledges most posts within half a minute, with
        one template, from a stream of its own (the conversation's other posts keep theirs)."""
        saved, self.rng = self.rng, random.Random(f"auto:{post.post_id}")
        try:
            if self.rng.random() < 0.7:
                self.post(auto, post.created_at + timedelta(seconds=self.rng.uniform(4, 30)),
                          AUTO_REPLY, parent=post)
        finally:
            self.rng = saved

    def customer_follow_up(self, answer: Post, brand_id: str, accounts: list[Account]) -> None:
        follow = self.post(answer.parent.author if answer.parent else self.customer(),
                           answer.created_at + self.delay(0.5), "Done, sent you a DM.",
                           parent=answer, kind="confirmation")
        self.maybe_answer(follow, brand_id, accounts)

    def customer(self) -> Account:
        accounts = self.world.accounts[self.platform]
        # The same list as filtering every time, recomputed only when accounts were added.
        if self._customers[0] != len(accounts):
            self._customers = (len(accounts), [a for a in accounts
                                               if not a.brand_id and not a.automated])
        return self.rng.choice(self._customers[1])

    def panel_stream(self, brand: PanelBrand) -> None:
        """Set `rng` to the panel brand's own account stream on this platform: a panel brand's
        accounts and days never draw from the demo brands' streams."""
        self.rng = random.Random(f"{self.world.seed}:{self.platform}:{brand.id}")

    def complaint(self) -> str:
        flight = f"{self.rng.choice('AGI')}{self.rng.randint(100, 999)}"
        return self.rng.choice(COMPLAINTS).format(n=flight)


def generate_world(seed: int, now: datetime, platforms: dict[str, PlatformIds],
                   settings: WorldSettings | None = None, brands: int = 0) -> World:
    """Build the world for `seed` as it stands at `now` (posts after `now` do not exist yet).

    Accounts come from one stream per platform; conversations from one stream per platform
    and UTC day, starting `history_days` before `now` (see the module docstring). `brands`
    adds a generated panel (generate_panel) on the platforms that can host one (a timeline
    platform's `panel_handle`; a module with its own `populate` generates it there); each
    panel brand's accounts and days come from streams of its own, after the demo brands', so
    the demo brands' part of the world is the same with or without it.
    """
    settings = settings or WorldSettings()
    panel = generate_panel(seed, brands)
    world = World(seed, now, settings,
                  {b[0]: b[1] for b in DEMO_BRANDS} | {b.id: b.name for b in panel},
                  {p: [] for p in platforms}, {p: [] for p in platforms},
                  open_hours=dict(DEMO_OPEN_HOURS), panel=panel)
    for platform, ids in sorted(platforms.items()):
        builder = _Builder(world, platform, ids, random.Random(f"{seed}:{platform}"))
        populate = getattr(ids, "populate", None)
        if populate is not None:
            populate(builder, settings)
        else:
            _populate_timelines(builder, settings, seed, now)
        world.posts[platform] = visible_at(builder.posts, now)
        if getattr(ids, "whole_spaces", False):
            world.whole_spaces.add(platform)
        if getattr(ids, "reached_from_roots", False):
            world.reached_from_roots.add(platform)
    return world


def _populate_timelines(b: _Builder, settings: WorldSettings, seed: int, now: datetime) -> None:
    """Brand timelines with replies and mentions, one random stream per UTC day."""
    brand_accounts, hostile = _populate_accounts(b, settings)
    bots = _populate_automated(b, brand_accounts)
    # Conversations go on for days: start early enough that every post of the last
    # `history_days` is there whatever day `now` falls on.
    first = (now - timedelta(days=settings.history_days + ANSWERS_WITHIN_DAYS)).date()
    for offset in range((now.date() - first).days + 1):
        day = first + timedelta(days=offset)
        b.rng = random.Random(f"{seed}:{b.platform}:{day.isoformat()}")
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        _populate_day(b, settings, brand_accounts, hostile, start)
        if bots:
            # The bots' posts come from a stream of their own: the rest of the day is the
            # same with or without them.
            b.rng = random.Random(f"{seed}:{b.platform}:{day.isoformat()}:bots")
            _bot_day(b, bots, brand_accounts, start)
    panel_handle = getattr(b.ids, "panel_handle", None)
    if panel_handle and b.world.panel:
        _populate_panel_timelines(b, settings, panel_handle, brand_accounts, hostile)


def _populate_panel_timelines(b: _Builder, settings: WorldSettings, panel_handle: str,
                              demo_accounts: dict[str, list[Account]], hostile: Account) -> None:
    """The panel brands' accounts (`panel_handle` formatted with the brand) and their
    timelines, played out as the demo brands' are, each brand and day from its own stream.
    A customer who mentions two brands may name any other brand of the world."""
    everyone = dict(demo_accounts)
    for brand in b.world.panel:
        b.panel_stream(brand)
        handle = panel_handle.format(id=brand.id, camel=brand.camel)
        everyone[brand.id] = [b.account(handle, brand.name, b.rng.randint(20_000, 400_000),
                                        brand.id)]
    for index, brand in enumerate(b.world.panel):
        for day in each_day(b, settings, f":{brand.id}"):
            _populate_day(b, settings, {brand.id: everyone[brand.id]}, hostile, day,
                          everyone, index)


def each_day(b: _Builder, settings: WorldSettings, tag: str = "",
             reach_days: int = ANSWERS_WITHIN_DAYS) -> Iterator[datetime]:
    """The UTC days (as midnight) whose conversations reach the last `history_days` before
    `now`, `reach_days` further back, each with `b.rng` set to its own stream (seed,
    platform, `tag`, day): for platforms with their own `populate`, the way to travel in
    time as the timelines do (see the module docstring)."""
    now = b.world.now
    first = (now - timedelta(days=settings.history_days + reach_days)).date()
    for offset in range((now.date() - first).days + 1):
        day = first + timedelta(days=offset)
        b.rng = random.Random(f"{b.world.seed}:{b.platform}{tag}:{day.isoformat()}")
        yield datetime(day.year, day.month, day.day, tzinfo=UTC)


def day_number(day: datetime) -> int:
    """Days since Monday 2000-01-03: what periodic events (every n days) count on."""
    return (day.date() - date(2000, 1, 3)).days


def _populate_accounts(b: _Builder, settings: WorldSettings) -> tuple[
        dict[str, list[Account]], Account]:
    """The brands' accounts, the customers and one hostile account, from the platform stream."""
    rng, ids = b.rng, cast("TimelineIds", b.ids)
    brand_accounts: dict[str, list[Account]] = {}
    for brand_id, name, _, _ in DEMO_BRANDS:
        for i, handle in enumerate(ids.brand_handles.get(brand_id, [])):
            label = name if i == 0 else f"{name} Help"
            account = b.account(handle, label, rng.randint(20_000, 400_000), brand_id)
            brand_accounts.setdefault(brand_id, []).append(account)
    for i in range(settings.customers_per_platform):
        domain = rng.choice(ids.customer_domains)
        name = customer_name(i)
        # Names are distinct, so are handles built from them.
        handle = ids.customer_handle(name.replace(" ", "").lower(), domain)
        b.account(handle, name, int(10 ** rng.uniform(0.5, 5)), None)
    hostile = b.account(
        ids.hostile_handle if settings.hostile
        else ids.hostile_handle.replace("evil", "danawhitfield", 1),
        stranger(settings)[0], 99_999 if settings.hostile else 2_400, None)
    return brand_accounts, hostile


def _populate_automated(b: _Builder, brand_accounts: dict[str, list[Account]]) -> list[Account]:
    """The platform's automated accounts, after every other (the stream before is the same):
    brands' auto-acknowledgement accounts (Builder.auto_accounts) and bot customers."""
    for brand_id, handle in sorted(getattr(b.ids, "automated_handles", {}).items()):
        name = b.world.brands[brand_id]
        b.auto_accounts[brand_id] = b.account(handle, f"{name} Auto-Reply",
                                              b.rng.randint(500, 5_000), brand_id, True)
    return [b.account(handle, f"Flight Tracker {i + 1}", b.rng.randint(300, 30_000), None, True)
            for i, handle in enumerate(getattr(b.ids, "bot_handles", ()))]


def _bot_day(b: _Builder, bots: list[Account], brand_accounts: dict[str, list[Account]],
             day: datetime) -> None:
    """Each bot customer mentions a brand now and then; nobody answers a bot."""
    rng = b.rng
    for bot in bots:
        t = day
        while True:
            t += timedelta(days=rng.expovariate(0.6))
            if t >= day + timedelta(days=1):
                break
            brand_id = rng.choice(sorted(brand_accounts))
            flight = f"{brand_id[0].upper()}{rng.randint(100, 999)}"
            text = rng.choice(BOT_TEXTS).format(n=flight, m=rng.randint(5, 95))
            b.post(bot, t, text, mentions=[brand_accounts[brand_id][0]])


def _populate_day(b: _Builder, settings: WorldSettings, brand_accounts: dict[str, list[Account]],
                  hostile: Account, day: datetime,
                  everyone: dict[str, list[Account]] | None = None,
                  panel_index: int | None = None) -> None:
    """Every conversation that starts on `day`, played out in full (answers may come later).

    For a panel brand (`panel_index`, its place in the panel), `brand_accounts` is that brand
    alone and `everyone` every brand's accounts: the demo's special posts are left out."""
    rng = b.rng
    everyone = everyone if everyone is not None else brand_accounts
    end = day + timedelta(days=1)
    day_number = (day.date() - date(2000, 1, 3)).days  # 2000-01-03 was a Monday
    for index, (brand_id, accounts) in enumerate(brand_accounts.items()):
        t = day
        while True:
            t += timedelta(days=rng.expovariate(settings.brand_posts_per_day))
            if t >= end:
                break
            root = b.post(accounts[0], t, rng.choice(ANNOUNCEMENTS))
            for _ in range(rng.randint(0, 6)):
                reply = b.post(b.customer(), t + b.delay(0.4), b.complaint(), parent=root)
                if rng.random() < 0.15:
                    # Customer-to-customer chatter; mentioning the brand makes it addressed.
                    mentioned = [rng.choice(accounts)] if rng.random() < 0.5 else []
                    chat = b.post(b.customer(), reply.created_at + b.delay(0.3),
                                  "Same here, it's a mess.", parent=reply, mentions=mentioned)
                    if mentioned:
                        b.maybe_answer(chat, brand_id, accounts)
                b.maybe_answer(reply, brand_id, accounts)
        t = day
        while True:
            t += timedelta(days=rng.expovariate(settings.mentions_per_day))
            if t >= end:
                break
            targets = [accounts[0]]
            if rng.random() < 0.1:  # one post, two brands: counts for each
                other = rng.choice([a for k, v in everyone.items() if k != brand_id
                                    for a in v])
                targets.append(other)
            mention = b.post(b.customer(), t, b.complaint(), mentions=targets)
            for target in targets:
                answering = target.brand_id or brand_id
                b.maybe_answer(mention, answering, everyone[answering])
        place = 4 * index if panel_index is None else panel_index % 12
        if day_number % 12 == place:  # every brand, every 12 days: a thread platforms cut
            _deep_thread(b, accounts, brand_id, day + timedelta(hours=rng.uniform(8, 16)))
    if panel_index is not None:
        return
    if day_number % 7 == 3:
        # The client's handle in plain text without a mention: search servers that match
        # text return it, and it must not count (a mention is a facet/entity, not a string).
        b.post(b.customer(), day + timedelta(hours=rng.uniform(6, 20)),
               f"Flying with @{brand_accounts['acme'][0].handle} next week, fingers crossed")
    if day_number % 7 == 5 and settings.hostile:
        # Hostile text where the report will show it: a mention the client ignores.
        b.post(hostile, day + timedelta(hours=rng.uniform(6, 20)), stranger(settings)[1],
               mentions=[brand_accounts["acme"][0]])


def _deep_thread(b: _Builder, accounts: list[Account], brand_id: str, t: datetime) -> None:
    """A long back-and-forth (depth ~26) that platforms cut; the crawler must fetch it whole."""
    root = b.post(accounts[0], t, "Live Q&A: ask us anything about your trip today.")
    customer = b.customer()
    parent = root
    for step in range(26):
        author = accounts[0] if step % 2 else customer
        parent = b.post(author, parent.created_at + timedelta(minutes=b.rng.randint(2, 50)),
                        "And another question…" if author is customer else "Good question!",
                        parent=parent)
        if step == 21:
            # A branch deep down the thread that only a re-fetch of the cut branch reveals.
            b.post(b.customer(), parent.created_at + timedelta(minutes=5),
                   "Deep down here, nobody answers me.", parent=parent)


def visible_at(posts: list[Post], now: datetime) -> list[Post]:
    """The posts written by `now`, oldest first, with children lists cut to the same.

    A reply is always later than its parent, so no visible post loses its parent.
    """
    kept = sorted((p for p in posts if p.created_at <= now), key=lambda p: p.created_at)
    for post in kept:
        post.children = [c for c in post.children if c.created_at <= now]
    return kept


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
