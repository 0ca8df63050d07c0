"""
Every page of the site fits a 390 px phone: no horizontal scrolling of the page itself.

The data has the long names real chapters have (a chapter named after its region, hyphenated
surnames, addresses with directions, long email addresses), and each page is opened by the person
it is for: the public, a volunteer, a chapter lead. A page overflows when the document is wider
than the window (`document.documentElement.scrollWidth > 390`); a wide table may still scroll
inside its own box. Screenshots of each page at 390 and 1280 px go to artifacts/screenshots/.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import AddressVisibility, EventFormat, EventStatus, SignupStatus, Visibility
from events.messages import signup_link_token
from events.models import EventReport
from events.services import event_create, report_save, shift_create
from outreach.enums import Role
from tests.factories import (
    CampaignFactory,
    ChapterFactory,
    EventFactory,
    MembershipFactory,
    PartnerFactory,
    ShiftFactory,
    SignupFactory,
)

from .conftest import PHONE, screenshot

pytestmark = pytest.mark.browser

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
TITLE = "Parents' night: recognizing online grooming and sextortion before it starts"
PAST_TITLE = "Community walk against trafficking through Humboldt Park and Logan Square"
VENUE = "Northside Community High School, Lecture Hall B (enter from Kedzie Avenue)"
ADDRESS = "4500 North Kedzie Avenue, Albany Park, Chicago, Illinois 60625, United States"
LONG_URL = "https://meet.northside-community-outreach.example.org/rooms/parents-night-online-grooming-2031"

# The page's width, and the first few elements that stick out: each one whose parent does not, or
# that is positioned out of its parent (an absolutely positioned label escapes a scrolling box).
OVERFLOW = """
() => {
    const width = document.documentElement.clientWidth;
    const right = (element) => element.getBoundingClientRect().right;
    const wide = [...document.querySelectorAll("body *")]
        .filter((element) => right(element) > width + 0.5)
        .filter((element) => right(element.parentElement) <= width + 0.5
            || getComputedStyle(element).position === "absolute")
        .slice(0, 4)
        .map((element) => {
            const name = element.tagName.toLowerCase() + (element.className ? "." + element.className : "");
            return `${name} "${element.textContent.trim().slice(0, 30)}" (right edge ${Math.round(right(element))} px)`;
        });
    return {scrollWidth: document.documentElement.scrollWidth, wide};
}
"""


@pytest.fixture
def site(db):
    """A chapter with long names everywhere, its lead, a volunteer, and events in every state."""
    now = timezone.now().replace(microsecond=0)
    chapter = ChapterFactory(
        slug="chicago",
        name="Greater Chicago and Northwest Indiana",
        city="Chicago",
        region="Illinois",
        latitude="41.878113",
        longitude="-87.629799",
        contact_email="northside-community-outreach-coordinators@chicago-chapter.example.org",
        help_line="National Human Trafficking Hotline: 1-888-373-7888 (text 233733), 24 hours a day",
    )
    lead = MembershipFactory(
        chapter=chapter,
        role=Role.LEAD,
        user__display_name="Alexandra Rodríguez-Fitzgerald",
        user__legal_name="Alexandra María Rodríguez-Fitzgerald de la Fuente",
        user__email="alexandra.rodriguez-fitzgerald@northside-community-outreach.example.org",
    ).user
    volunteer = MembershipFactory(
        chapter=chapter,
        role=Role.MEMBER,
        user__display_name="Bartholomew Oyelaran-Castellanos",
        user__legal_name="Bartholomew Adebayo Oyelaran-Castellanos",
        user__email="bartholomew.oyelaran-castellanos.volunteer@university-of-illinois-chicago.example.edu",
        user__phone="+1 (312) 555-0199 ext. 4471",
    ).user
    for number, name in enumerate(
        ["Maximiliano Papadopoulos-Nakamura", "Oluwaseun Abernathy-Kowalczyk", "Guinevere Thistlewood-Osei"]
    ):
        MembershipFactory(
            chapter=chapter,
            role=[Role.COORDINATOR, Role.MEMBER, Role.MEMBER][number],
            user__display_name=name,
            user__legal_name=f"{name} Junior",
            user__email=f"{name.lower().replace(' ', '.')}@community-volunteers-network.example.org",
        )
    campaign = CampaignFactory(
        name="Human Trafficking Prevention Month 2031: Know the Signs, Share the Hotline",
        slug="prevention-month-2031",
        starts_on=(now - dt.timedelta(days=30)).date(),
        ends_on=(now + dt.timedelta(days=60)).date(),
    )
    partner = PartnerFactory(chapter=chapter, name="Albany Park Neighborhood Council and Youth Services Coalition")

    starts = now + dt.timedelta(days=5)
    event = EventFactory(
        chapter=chapter,
        campaign=campaign,
        title=TITLE,
        summary="How groomers approach children on games and social media, and what parents can do tonight.",
        description="Bring your questions. " * 20,
        venue=VENUE,
        address=ADDRESS,
        latitude="41.962",
        longitude="-87.708",
        format=EventFormat.HYBRID,
        online_url=LONG_URL,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    event.partners.set([partner])
    table = ShiftFactory(event=event, name="Resource table and hotline information desk", capacity=2)
    set_up = ShiftFactory(
        event=event,
        name="Set-up: tables, banners, leaflets in six languages",
        starts_at=starts - dt.timedelta(hours=2),
        ends_at=starts,
        capacity=3,
    )
    spare = ShiftFactory(event=event, name="Greeters at the Kedzie Avenue entrance", capacity=4)
    signup = SignupFactory(shift=table, user=volunteer)
    SignupFactory(shift=table, user__display_name="Maximiliano Papadopoulos-Nakamura")
    SignupFactory(shift=table, status=SignupStatus.WAITLISTED, user__display_name="Guinevere Thistlewood-Osei")

    members_event = EventFactory(
        chapter=chapter,
        title="Volunteer training: talking about trafficking with teenagers, teachers and parents",
        visibility=Visibility.MEMBERS,
        address_visibility=AddressVisibility.CONFIRMED,
        venue=VENUE,
        address=ADDRESS,
    )
    ShiftFactory(event=members_event, name="Trainer's assistant and sign-in desk")
    draft = EventFactory(
        chapter=chapter, title="Draft: internet safety workshop for grades seven and eight", status=EventStatus.DRAFT
    )
    ShiftFactory(event=draft, name="Workshop facilitator")
    cancelled = EventFactory(
        chapter=chapter,
        title="Documentary screening and discussion with survivors' advocates",
        status=EventStatus.CANCELLED,
        cancellation_note="The cinema is closed for repairs; we will announce a new date for everyone who signed up.",
    )
    ShiftFactory(event=cancelled, name="Usher")

    past_starts = now - dt.timedelta(days=3)
    past = EventFactory(
        chapter=chapter,
        title=PAST_TITLE,
        venue=VENUE,
        address=ADDRESS,
        starts_at=past_starts,
        ends_at=past_starts + dt.timedelta(hours=3),
    )
    past_shift = ShiftFactory(event=past, name="Walk marshal with first-aid kit and flyers", capacity=5)
    SignupFactory(shift=past_shift, user=volunteer, attended=True, hours=Decimal("3.00"))
    SignupFactory(shift=past_shift, user__display_name="Oluwaseun Abernathy-Kowalczyk")
    report_save(event=past, updated_by=lead, people_reached=240, materials_distributed=500, notes="Busy. " * 30)

    first = timezone.localdate(now, CHICAGO) + dt.timedelta(days=9)
    occurrence = event_create(
        chapter=chapter,
        created_by=lead,
        starts_at=dt.datetime.combine(first, dt.time(11, 0), tzinfo=CHICAGO),
        ends_at=dt.datetime.combine(first, dt.time(15, 0), tzinfo=CHICAGO),
        recurrence="FREQ=WEEKLY;COUNT=6",
        title="Weekly awareness table at the Harold Washington Library Center, Congress Parkway entrance",
        strategy="awareness_education",
        venue=VENUE,
        address=ADDRESS,
    )
    shift_create(
        event=occurrence,
        name="Clear-up and inventory of leaflets",
        starts_at=occurrence.ends_at,
        ends_at=occurrence.ends_at + dt.timedelta(hours=1),
        capacity=2,
    )
    assert EventReport.objects.filter(event=past).exists()
    return {
        "chapter": chapter,
        "campaign": campaign,
        "lead": lead,
        "volunteer": volunteer,
        "event": event,
        "table": table,
        "set_up": set_up,
        "spare": spare,
        "signup": signup,
        "members_event": members_event,
        "draft": draft,
        "cancelled": cancelled,
        "past": past,
        "series": occurrence.series,
    }


def public_pages(site) -> dict[str, str]:
    chapter, event = site["chapter"], site["event"]
    return {
        "home": reverse("home"),
        "home, searched": reverse("home") + "?q=parents&place=Chicago&radius_km=50",
        "event": event.get_absolute_url(),
        "cancelled event": site["cancelled"].get_absolute_url(),
        "chapter": chapter.get_absolute_url(),
        "campaign": reverse("campaign_detail", args=[site["campaign"].slug]),
        "sign in": reverse("account_login"),
        "sign up": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "not found": "/no-such-page/",
    }


def volunteer_pages(site) -> dict[str, str]:
    chapter, event, signup = site["chapter"], site["event"], site["signup"]
    token = signup_link_token(signup, "cancel")
    return {
        "home, signed in": reverse("home"),
        "event, with a place": event.get_absolute_url(),
        "members-only event": site["members_event"].get_absolute_url(),
        "shift signup": reverse("shift_signup", args=[event.pk, site["spare"].pk]),
        "my signups": reverse("my_signups"),
        "cancel my place": reverse("signup_cancel", args=[signup.pk]),
        "profile": reverse("profile"),
        "calendar feed": reverse("calendar_feed"),
        "notification preferences": reverse("notification_preferences"),
        "leave the chapter": reverse("chapter_leave", args=[chapter.slug]),
        "join the chapter": reverse("chapter_join", args=[chapter.slug]),
        "reminder link": reverse("signup_link", args=[signup.pk, "cancel", token]),
        "account email": reverse("account_email"),
        "password change": reverse("account_change_password"),
    }


def dashboard_pages(site) -> dict[str, str]:
    chapter, event, past = site["chapter"], site["event"], site["past"]
    home = reverse("dashboard:home")
    return {
        "dashboard": home,
        "dashboard, past": home + "?show=past",
        "dashboard, drafts": home + "?show=drafts",
        "dashboard, cancelled": home + "?show=cancelled",
        "dashboard, searched": home + "?show=upcoming&q=awareness",
        "event manage": reverse("dashboard:event", args=[event.pk]),
        "event manage, past": reverse("dashboard:event", args=[past.pk]),
        "event manage, draft": reverse("dashboard:event", args=[site["draft"].pk]),
        "event manage, cancelled": reverse("dashboard:event", args=[site["cancelled"].pk]),
        "event manage, series date": reverse("dashboard:event", args=[site["series"].occurrences.first().pk]),
        "event edit": reverse("dashboard:event_edit", args=[event.pk]),
        "event new": reverse("dashboard:event_new", args=[chapter.slug]),
        "event cancel": reverse("dashboard:event_cancel", args=[event.pk]),
        "event delete": reverse("dashboard:event_delete", args=[site["draft"].pk]),
        "series edit": reverse("dashboard:series_edit", args=[site["series"].pk]),
        "shift new": reverse("dashboard:shift_new", args=[event.pk]),
        "shift edit": reverse("dashboard:shift_edit", args=[site["table"].pk]),
        "shift cancel": reverse("dashboard:shift_cancel", args=[site["table"].pk]),
        "shift delete": reverse("dashboard:shift_delete", args=[site["spare"].pk]),
        "roster": reverse("dashboard:roster", args=[event.pk]),
        "roster, past": reverse("dashboard:roster", args=[past.pk]),
        "email event": reverse("dashboard:email_event", args=[event.pk]),
        "email shift": reverse("dashboard:email_shift", args=[site["table"].pk]),
        "members": reverse("dashboard:members", args=[chapter.slug]),
        "report": reverse("dashboard:report", args=[past.pk]),
    }


def visit(page, name: str, path: str, *, status: int = 200) -> tuple[int, list[str]] | None:
    """Open `path` at 390 px; None when it fits, else its width and the elements sticking out."""
    page.set_viewport_size(PHONE)
    response = page.goto(path)
    assert response.status == status, f"{name}: {path} answered {response.status}"
    measured = page.evaluate(OVERFLOW)
    screenshot(page, "every-page-" + name.replace(",", "").replace(" ", "-"))
    if measured["scrollWidth"] <= PHONE["width"]:
        return None
    return measured["scrollWidth"], measured["wide"]


def describe(overflows: dict) -> str:
    return "\n".join(f"  {name}: {width} px wide; {', '.join(wide)}" for name, (width, wide) in overflows.items())


def test_every_page_fits_a_phone(page, context, log_in, site):
    overflows = {}
    statuses = {"not found": 404}
    for name, path in public_pages(site).items():
        if found := visit(page, name, path, status=statuses.get(name, 200)):
            overflows[name] = found
    log_in(site["volunteer"])
    for name, path in volunteer_pages(site).items():
        if found := visit(page, name, path):
            overflows[name] = found
    context.clear_cookies()
    log_in(site["lead"])
    for name, path in dashboard_pages(site).items():
        if found := visit(page, name, path):
            overflows[name] = found

    assert not overflows, f"Pages wider than a {PHONE['width']} px phone:\n{describe(overflows)}"


def test_the_check_detects_a_page_that_overflows(page):
    """Negative control: a page with a wide box is caught, and the box is named."""
    page.set_viewport_size(PHONE)
    page.set_content('<html><body><div class="too-wide" style="width: 600px">x</div></body></html>')

    measured = page.evaluate(OVERFLOW)

    assert measured["scrollWidth"] == 8 + 600  # the browser's own margin of the body, then the box
    assert measured["wide"] == ['div.too-wide "x" (right edge 608 px)']
