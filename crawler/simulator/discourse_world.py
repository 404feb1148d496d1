"""The world of three brands' Discourse forums: staff, a support group, customers, topics.

What makes the crawl non-trivial, as on real forums: a pinned welcome topic older than the
window, topics opened before the window that come back in it, a topic longer than one page,
staff who answer the topic instead of a follow-up, and a support team that is not staff but
in the forum's `support` group (one member only its member list reveals). `discourse.py`
serves it as Discourse's JSON.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from crawler.simulator.world import (
    ANNOUNCEMENTS,
    DEMO_BRANDS,
    Account,
    Post,
    customer_name,
    day_number,
    each_day,
    stranger,
)

if TYPE_CHECKING:
    from crawler.simulator.world import WorldSettings, _Builder

FORUMS = {
    "acme": "community.acmeair.example",
    "globex": "globex.example/community",  # a subfolder install
    "initech": "community.initech.example",
}
CATEGORIES = (("support", 5), ("general", 7))
BRAND_OPTIONS = {  # what each brand's config entry says besides its forum
    "acme": {"staff_groups": ["support"]},
    "globex": {"staff_groups": ["support"], "categories": [f"{s}/{i}" for s, i in CATEGORIES]},
    "initech": {"staff_groups": ["support"]},
}
# username -> (user id, admin, moderator, primary group); everyone else is a customer.
STAFF = {"sam": (2, True, False, None), "mia": (3, False, True, None),
         "leo": (4, False, False, "support"), "ana": (5, False, False, None)}
# The support group: leo shows it as his primary group, ana only in the group's member list.
# On initech's forum the member list is not public, and ana does not work there.
GROUP_MEMBERS = {"support": ("leo", "ana")}
PRIVATE_GROUPS_BRAND = "initech"
TOPICS_PER_DAY = 1.3
CUSTOMERS_PER_FORUM = 40
# The pinned welcome topic, long before any window.
WELCOME_AT = datetime(2024, 1, 15, 9, tzinfo=UTC)
# A revived topic comes back this many days after it was opened (every 7 days, one is).
REVIVED_AFTER_DAYS = (8.0, 12.0)


class _DiscourseIds:
    """`<user id>@<forum>` for accounts; `https://<forum>/p/<id>` for posts."""

    whole_spaces = True  # the topic list is ordered by activity: old topics come back

    def account_key(self, handle: str, rng: random.Random) -> tuple[str, str]:
        user, forum = handle.split("@", 1)
        if user in STAFF:
            native = STAFF[user][0]
        elif user.startswith("traveller"):
            native = 100 + int(user.removeprefix("traveller"))
        else:
            native = 666
        return f"{native}@{forum}", str(native)

    def post_id(self, author: Account, created_at: datetime, rng: random.Random) -> tuple[str, str]:
        native = str(int(created_at.timestamp() * 1000) * 10 + rng.randrange(10))
        return f"https://{forum_of(author)}/p/{native}", native

    def populate(self, b: _Builder, settings: WorldSettings) -> None:
        forums = [_Forum(b, brand_id, name, rate, speed)
                  for brand_id, name, rate, speed in DEMO_BRANDS]
        for index, forum in enumerate(forums):
            forum.welcome(index)
        # Day by day (world.each_day), so the forums travel in time as the timelines do; a
        # revived topic's conversation lasts longer than others, hence the longer reach.
        for day in each_day(b, settings, reach_days=int(REVIVED_AFTER_DAYS[1]) + 14):
            for index, forum in enumerate(forums):
                forum.rng = b.rng
                forum.day(day, index)


IDS = _DiscourseIds()


def forum_of(account: Account) -> str:
    return account.key.split("@", 1)[1]


def username(account: Account) -> str:
    return account.handle.split("@", 1)[0]


class _Forum:
    """One brand's forum: its staff, its customers, its topics."""

    def __init__(self, b: _Builder, brand_id: str, name: str, rate: float, speed: float) -> None:
        self.b, self.brand_id, self.rate, self.speed = b, brand_id, rate, speed
        forum = FORUMS[brand_id]
        rng = b.rng
        self.staff = [b.account(f"{u}@{forum}", f"{u.title()} from {name}", 0, brand_id)
                      for u in STAFF if not (u == "ana" and brand_id == PRIVATE_GROUPS_BRAND)]
        self.customers = [b.account(f"traveller{i:03d}@{forum}", customer_name(i),
                                    0, None) for i in range(CUSTOMERS_PER_FORUM)]
        self.stranger = stranger(b.world.settings)
        self.hostile = b.account(f"evil@{forum}", self.stranger[0], 0, None)
        self.rng = rng

    def customer(self, besides: Account | None = None) -> Account:
        return self.rng.choice([c for c in self.customers if c is not besides])

    def welcome(self, index: int) -> None:
        """The pinned welcome topic, from the platform's stream."""
        self.b.post(self.staff[0], WELCOME_AT + timedelta(days=index, minutes=self.rng.randint(
            0, 600)), "Welcome! Read this before posting.", addressed_to=self.brand_id)

    def day(self, day: datetime, index: int) -> None:
        """The topics opened on `day` (midnight UTC), played out in full; every 14 days a
        long topic, every 7 a topic that comes back days later, and the hostile post."""
        b, rng = self.b, self.rng
        t = day
        while True:
            t += timedelta(days=rng.expovariate(TOPICS_PER_DAY))
            if t >= day + timedelta(days=1):
                break
            if rng.random() < 0.15:
                self.announcement(t)
            else:
                opener = b.post(self.customer(), t, b.complaint(), addressed_to=self.brand_id)
                self.answer(opener)
                if rng.random() < 0.3:  # others chime in at topic level: not addressed
                    b.post(self.customer(opener.author), t + b.delay(0.5),
                           "Same problem here.", parent=opener)
        number = day_number(day)
        if number % 14 == 3 * index:
            self.long_topic(day + timedelta(hours=rng.uniform(6, 18)))
        if number % 7 == index:
            self.revived_topic(day + timedelta(hours=rng.uniform(6, 18)))
        if number % 7 == 5:
            b.post(self.hostile, day + timedelta(minutes=rng.randint(0, 600)),
                   self.stranger[1], addressed_to=self.brand_id)

    def announcement(self, t: datetime) -> None:
        """A staff topic; customers' replies to it are addressed to the brand."""
        opener = self.b.post(self.rng.choice(self.staff), t, self.rng.choice(ANNOUNCEMENTS),
                             addressed_to=self.brand_id)
        for _ in range(self.rng.randint(0, 4)):
            reply = self.b.post(self.customer(), t + self.b.delay(0.4), self.b.complaint(),
                                parent=opener)
            if reply is not None:
                self.answer(reply)

    def answer(self, post: Post, depth: int = 0) -> None:
        """Staff answer `post` (replying to it, or under a friend's reply to it), or not."""
        b, rng = self.b, self.rng
        roll = rng.random()
        if roll < self.rate * 0.75:
            answer = b.post(rng.choice(self.staff), post.created_at + b.delay(self.speed),
                            "Thanks for reporting this, we are on it.", parent=post)
            if answer is not None and rng.random() < 0.35 and depth < 3:
                follow = b.post(post.author, answer.created_at + b.delay(0.5),
                                "Still not fixed, any news?", parent=answer)
                if rng.random() < 0.3:
                    # Staff write again, but to the topic, not to the follow-up: that answers
                    # the opening post, not the follow-up.
                    b.post(rng.choice(self.staff), follow.created_at + b.delay(self.speed),
                           "Update for everyone: a fix is rolling out.", parent=post.root)
                else:
                    self.answer(follow, depth + 1)
        elif roll < self.rate:
            friend = b.post(self.customer(post.author), post.created_at + b.delay(0.2),
                            "Have you tried reinstalling?", parent=post)
            if friend is not None:
                b.post(rng.choice(self.staff), friend.created_at + b.delay(self.speed),
                       "Thanks both, we are looking into it.", parent=friend)

    def revived_topic(self, t: datetime) -> None:
        """A topic opened before the window that comes back in it: its new posts count, and
        only a crawl that follows activity (not creation) reaches them."""
        b = self.b
        opener = b.post(self.customer(), t, b.complaint(), addressed_to=self.brand_id)
        answer = b.post(self.staff[0], t + timedelta(hours=2), "Fixed, please try again.",
                        parent=opener)
        back = t + timedelta(days=self.rng.uniform(*REVIVED_AFTER_DAYS))
        follow = b.post(opener.author, back, "It broke again this week.", parent=answer)
        self.answer(follow)

    def long_topic(self, t: datetime) -> None:
        """A topic longer than one page of 20 posts: the rest is fetched by post id. A
        customer and staff go back and forth while others pile in at topic level."""
        b, customer = self.b, self.customer()
        opener = b.post(customer, t, "Megathread: app problems since the update",
                        addressed_to=self.brand_id)
        chain, at = opener, t
        for step in range(44):
            at += timedelta(minutes=self.rng.randint(3, 90))
            if step % 4 == 1:
                chain = b.post(self.rng.choice(self.staff), at, "Noted, thanks!", parent=chain)
            elif step % 4 == 2:
                chain = b.post(customer, at, "Still crashing for me.", parent=chain)
            else:
                b.post(self.customer(customer), at, "Me too, same crash.", parent=opener)
