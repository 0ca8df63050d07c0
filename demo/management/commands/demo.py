"""
Load demo data and print the demo accounts.

Three chapters in three time zones, a campaign, partners, thirty-odd events across the seven
prevention strategies, past and upcoming, with a weekly series, a cancelled event, a members-only
event and a nearly full one with a waitlist; shifts, signups and check-ins; and five accounts
(staff, lead, coordinator, two volunteers) with verified email addresses.

Events are dated relative to the day the data is first loaded. Every write with a rule in it goes
through the services, so the data obeys the same rules as the site: past events are published as
they would have been, and their signups are taken with `now=` a week before they started.

Idempotent: chapters, campaigns and series are keyed by slug or title, events by chapter and title,
accounts by email, signups by volunteer and shift. A second run creates nothing and prints the
accounts again; a run that stopped half-way is completed by the next one.
"""

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.utils import timezone

from events.enums import AddressVisibility, EventFormat, EventStatus, Strategy, Visibility
from events.models import Event, EventSeries, Shift, Signup
from events.services import (
    event_cancel,
    event_create,
    event_publish,
    series_create,
    series_extend,
    series_publish,
    shift_create,
    signup_check_in,
    signup_create,
)
from events.validators import make_aware_local
from outreach.enums import PartnerKind, Role
from outreach.models import Campaign, Chapter, Membership, Partner, User
from outreach.services import membership_add

DEMO_PASSWORD = "outreach-demo"  # noqa: S105 - demo accounts, printed on screen for anyone to use


@dataclass(frozen=True)
class AccountSpec:
    key: str
    email: str
    display_name: str
    legal_name: str = ""
    phone: str = ""
    can_log_in: bool = False
    is_superuser: bool = False
    memberships: tuple[tuple[str, str], ...] = ()  # (chapter slug, role)
    description: str = ""


ACCOUNTS = (
    AccountSpec(
        "staff", "staff@example.org", "Dana (staff)", "Dana Okafor", can_log_in=True, is_superuser=True,
        description="organization staff and superuser: every chapter, /admin/",
    ),
    AccountSpec(
        "lead", "lead@example.org", "Alex R.", "Alex Rivera", "+1 312 555 0101", can_log_in=True,
        memberships=(("chicago", Role.LEAD),), description="lead of Chicago",
    ),
    AccountSpec(
        "coordinator", "coordinator@example.org", "Mira K.", "Mira Kaya", "+49 30 555 0102", can_log_in=True,
        memberships=(("berlin", Role.COORDINATOR),), description="coordinator of Berlin",
    ),
    AccountSpec(
        "volunteer", "volunteer@example.org", "Sam", "Samantha Lee", "+1 312 555 0103", can_log_in=True,
        memberships=(("chicago", Role.MEMBER),), description="volunteer, member of Chicago",
    ),
    AccountSpec(
        "volunteer2", "volunteer2@example.org", "Joy", "Joy Santos", "+63 2 555 0104", can_log_in=True,
        memberships=(("manila", Role.MEMBER),), description="volunteer, member of Manila",
    ),
    # Volunteers without a password: they fill rosters and waitlists but cannot log in.
    AccountSpec("jonas", "jonas@example.org", "Jonas", "Jonas Weber", memberships=(("berlin", Role.LEAD),)),
    AccountSpec("maria", "maria@example.org", "Maria", "Maria Dela Cruz", memberships=(("manila", Role.LEAD),)),
    AccountSpec("priya", "priya@example.org", "Priya", "Priya Nair", memberships=(("chicago", Role.MEMBER),)),
    AccountSpec("marcus", "marcus@example.org", "Marcus", "Marcus Brown", memberships=(("chicago", Role.MEMBER),)),
    AccountSpec("lena", "lena@example.org", "Lena", "Lena Fischer", memberships=(("berlin", Role.MEMBER),)),
    AccountSpec("tomas", "tomas@example.org", "Tomás", "Tomás García"),
    AccountSpec("ana", "ana@example.org", "Ana", "Ana Reyes", memberships=(("manila", Role.MEMBER),)),
    AccountSpec("kofi", "kofi@example.org", "Kofi", "Kofi Mensah"),
)  # fmt: skip


@dataclass(frozen=True)
class ChapterSpec:
    slug: str
    name: str
    timezone: str
    city: str
    region: str
    country: str
    latitude: str
    longitude: str
    contact_email: str
    help_line: str
    description: str
    manager: str  # account key that creates the chapter's events
    partners: tuple[tuple[str, str], ...] = ()  # (name, kind)


CHAPTERS = (
    ChapterSpec(
        "chicago", "Chicago", "America/Chicago", "Chicago", "Illinois", "US", "41.878113", "-87.629799",
        "chicago@example.org",
        "National Human Trafficking Hotline: call 1-888-373-7888 or text 233733. In an emergency call 911.",
        "Volunteers across Chicagoland raising awareness in schools, congregations and neighbourhoods.",
        "lead",
        (
            ("Northside Community High School", PartnerKind.SCHOOL),
            ("St. Mark's Community Church", PartnerKind.FAITH),
            ("Safe Harbor Chicago", PartnerKind.NONPROFIT),
            ("Lakeview Branch Library", PartnerKind.AGENCY),
        ),
    ),
    ChapterSpec(
        "berlin", "Berlin", "Europe/Berlin", "Berlin", "Berlin", "DE", "52.520008", "13.404954",
        "berlin@example.org",
        "Hilfetelefon Gewalt gegen Frauen: 116 016 (free, 24/7, many languages). In an emergency call 110.",
        "Ehrenamtliche in Berlin: Prävention im Netz, in Schulen und im Kiez.",
        "coordinator",
        (
            ("Gymnasium am Park", PartnerKind.SCHOOL),
            ("Jugendzentrum Mitte", PartnerKind.NONPROFIT),
            ("Bezirksamt Mitte", PartnerKind.AGENCY),
        ),
    ),
    ChapterSpec(
        "manila", "Manila", "Asia/Manila", "Manila", "Metro Manila", "PH", "14.599512", "120.984222",
        "manila@example.org",
        "1343 Actionline against Human Trafficking: dial 1343 (from a mobile, 02-1343). In an emergency call 911.",
        "Volunteers in Metro Manila working with barangays, schools and parishes against online exploitation.",
        "staff",
        (
            ("Sampaguita National High School", PartnerKind.SCHOOL),
            ("Barangay 143 Council", PartnerKind.AGENCY),
            ("Bayanihan Youth Network", PartnerKind.NONPROFIT),
            ("Mabuhay Internet Cafés Association", PartnerKind.BUSINESS),
        ),
    ),
)  # fmt: skip

CAMPAIGN = {
    "slug": "prevention-month",
    "name": "Prevention Month",
    "description": "A month of events in every chapter on recognizing and preventing child trafficking.",
    "starts_days": -14,
    "ends_days": 16,
}


@dataclass(frozen=True)
class ShiftSpec:
    name: str
    start_minutes: int  # after the event starts
    minutes: int
    capacity: int


@dataclass(frozen=True)
class SignupSpec:
    who: str  # account key
    shift: str = ""  # shift name; the event's default shift when empty
    attended: bool | None = None  # checked in after a past event


@dataclass(frozen=True)
class EventSpec:
    chapter: str
    title: str
    strategy: str
    day: int  # days from the first run, in the chapter's zone
    at: str  # local start time
    hours: float
    summary: str
    audiences: tuple[str, ...] = ("general_public",)
    format: str = EventFormat.IN_PERSON
    place: tuple[str, str, str, str] | None = None  # venue, address, latitude, longitude
    online_url: str = ""
    address_visibility: str = AddressVisibility.PUBLIC
    language: str = "en"
    visibility: str = Visibility.PUBLIC
    capacity: int = 10
    shift_name: str = "Volunteer"
    shifts: tuple[ShiftSpec, ...] = ()
    signups: tuple[SignupSpec, ...] = ()
    status: str = EventStatus.PUBLISHED
    cancel_note: str = ""
    campaign: bool = False
    partners: tuple[str, ...] = ()


S = SignupSpec
EVENTS = (
    # Chicago
    EventSpec(
        "chicago", "Parents' night: spotting online grooming", Strategy.INTERNET_SAFETY, 5, "18:30", 2,
        "How groomers approach children online, and what parents can do tonight.",
        audiences=("parents", "educators"),
        place=("Northside Community High School, auditorium", "4500 N Kedzie Ave, Chicago, IL", "41.962", "-87.708"),
        capacity=2, shift_name="Greeter", campaign=True, partners=("Northside Community High School",),
        shifts=(ShiftSpec("Resource table", 0, 120, 4),),
        signups=(
            S("volunteer"), S("volunteer2"), S("priya"), S("marcus"),
            S("lead", "Resource table"), S("tomas", "Resource table"), S("kofi", "Resource table"),
        ),
    ),
    EventSpec(
        "chicago", "Awareness table at the farmers market", Strategy.AWARENESS_EDUCATION, 9, "09:00", 4,
        "Flyers, conversation and the hotline number for market visitors.",
        place=("Green City Market", "1817 N Clark St, Chicago, IL", "41.915", "-87.634"),
        capacity=1, shift_name="Table lead", campaign=True,
        shifts=(ShiftSpec("Morning table", 0, 120, 3), ShiftSpec("Late morning table", 120, 120, 3)),
        signups=(S("lead"), S("volunteer", "Morning table"), S("priya", "Late morning table")),
    ),
    EventSpec(
        "chicago", "Volunteer training: talking about trafficking", Strategy.AWARENESS_EDUCATION, 12, "18:00", 2,
        "For chapter members: the facts, the myths and how to answer hard questions.",
        place=("Lakeview Branch Library, meeting room B", "644 W Belmont Ave, Chicago, IL", "41.940", "-87.646"),
        visibility=Visibility.MEMBERS, capacity=15, partners=("Lakeview Branch Library",),
        signups=(S("volunteer"), S("marcus")),
    ),
    EventSpec(
        "chicago", "Letter-writing evening for the state anti-trafficking bill", Strategy.ADVOCACY, 16, "18:00", 2,
        "Write to your state representatives; templates and stamps provided.",
        place=("Lakeview Branch Library", "644 W Belmont Ave, Chicago, IL", "41.940", "-87.646"),
        campaign=True, capacity=12,
    ),
    EventSpec(
        "chicago", "Survivor-informed care for health workers", Strategy.SURVIVOR_SUPPORT, 20, "12:00", 1.5,
        "Recognizing and responding to trafficking in the clinic, with Safe Harbor Chicago.",
        audiences=("health_workers",), format=EventFormat.HYBRID,
        place=("Safe Harbor Chicago", "1200 W Harrison St, Chicago, IL", "41.874", "-87.657"),
        online_url="https://meet.example.org/outreach-chicago-health", address_visibility=AddressVisibility.CONFIRMED,
        partners=("Safe Harbor Chicago",), capacity=6,
    ),
    EventSpec(
        "chicago", "Youth open mic: conversations about safety", Strategy.OPEN_DIALOGUE, 27, "17:00", 2.5,
        "Spoken word and an open conversation led by teens, for teens.",
        audiences=("youth",),
        place=("Northside Community High School, library", "4500 N Kedzie Ave, Chicago, IL", "41.962", "-87.708"),
        partners=("Northside Community High School",),
    ),
    EventSpec(
        "chicago", "Partners' breakfast with local businesses", Strategy.PARTNERSHIP, 34, "08:00", 1.5,
        "Hotels, transit and retail managers on spotting and reporting trafficking.",
        audiences=("businesses",),
        place=("Loop Conference Center", "200 W Madison St, Chicago, IL", "41.882", "-87.634"),
        capacity=4,
    ),
    EventSpec(
        "chicago", "Online safety webinar for educators", Strategy.INTERNET_SAFETY, 41, "16:00", 1,
        "Sextortion, grooming and what a school can do, in one hour.",
        audiences=("educators",), format=EventFormat.ONLINE, online_url="https://meet.example.org/outreach-educators",
        capacity=100, shift_name="Moderator",
    ),
    EventSpec(
        "chicago", "Block party booth", Strategy.COMMUNITY_ENGAGEMENT, 60, "12:00", 5,
        "Not published yet: dates and partners still being confirmed.",
        place=("Welles Park", "2333 W Sunnyside Ave, Chicago, IL", "41.962", "-87.687"), status=EventStatus.DRAFT,
    ),
    EventSpec(
        "chicago", "Faith leaders' roundtable", Strategy.OPEN_DIALOGUE, -10, "10:00", 2,
        "Clergy and lay leaders on how congregations can protect children.",
        audiences=("faith_communities",), campaign=True, partners=("St. Mark's Community Church",),
        place=("St. Mark's Community Church", "2400 N Clark St, Chicago, IL", "41.925", "-87.640"),
        signups=(S("volunteer", attended=True), S("priya", attended=False)),
    ),
    EventSpec(
        "chicago", "Community walk against trafficking", Strategy.COMMUNITY_ENGAGEMENT, -24, "09:00", 3,
        "A three-mile walk along the lakefront with the hotline on every sign.",
        place=("Montrose Harbor", "601 W Montrose Dr, Chicago, IL", "41.963", "-87.637"), capacity=20,
        signups=(
            S("volunteer", attended=True), S("volunteer2", attended=True), S("lead", attended=True),
            S("marcus", attended=True), S("kofi", attended=False),
        ),
    ),
    EventSpec(
        "chicago", "School assembly: healthy relationships", Strategy.AWARENESS_EDUCATION, -38, "10:00", 1.5,
        "Warning signs of exploitation, for grades 9 to 12.",
        audiences=("youth", "educators"), partners=("Northside Community High School",),
        place=("Northside Community High School", "4500 N Kedzie Ave, Chicago, IL", "41.962", "-87.708"),
        signups=(S("lead", attended=True), S("priya", attended=True)),
    ),
    EventSpec(
        "chicago", "Hotel staff training on trafficking indicators", Strategy.PARTNERSHIP, -52, "14:00", 2,
        "Front desk and housekeeping staff learn the indicators and how to report.",
        audiences=("businesses",),
        place=("Loop Conference Center", "200 W Madison St, Chicago, IL", "41.882", "-87.634"),
        signups=(S("volunteer", attended=True),),
    ),
    # Berlin
    EventSpec(
        "berlin", "Elternabend: Sicher im Netz", Strategy.INTERNET_SAFETY, 7, "19:00", 2,
        "Wie Täter Kinder online ansprechen, und was Eltern tun können.",
        audiences=("parents",), language="de", campaign=True, partners=("Gymnasium am Park",),
        place=("Gymnasium am Park, Aula", "Parkstraße 12, 10115 Berlin", "52.531", "13.384"),
        signups=(S("coordinator"), S("lena")),
    ),
    EventSpec(
        "berlin", "Open dialogue café", Strategy.OPEN_DIALOGUE, 14, "17:00", 2,
        "Coffee and an honest conversation about exploitation in our city. All welcome, in English.",
        place=("Café Kiezraum", "Torstraße 80, 10119 Berlin", "52.529", "13.401"),
        signups=(S("lena"),),
    ),
    EventSpec(
        "berlin", "Documentary screening and discussion", Strategy.AWARENESS_EDUCATION, 18, "19:00", 2.5,
        "A documentary on child trafficking in Europe, followed by a discussion.",
        place=("Kino im Kiez", "Brunnenstraße 30, 10119 Berlin", "52.533", "13.398"), capacity=30,
        signups=(S("volunteer2"), S("tomas")), status=EventStatus.CANCELLED,
        cancel_note="The cinema is closed for repairs; we will announce a new date.",
    ),
    EventSpec(
        "berlin", "Info stand at Alexanderplatz", Strategy.AWARENESS_EDUCATION, 21, "11:00", 4,
        "Flyers in six languages and the Hilfetelefon number for passers-by.",
        place=("Alexanderplatz, by the World Clock", "Alexanderplatz 1, 10178 Berlin", "52.521", "13.413"),
        capacity=1, shift_name="Stand lead", campaign=True, language="de",
        shifts=(ShiftSpec("Flyers, first half", 0, 120, 3), ShiftSpec("Flyers, second half", 120, 120, 3)),
        signups=(S("coordinator"), S("lena", "Flyers, first half"), S("jonas", "Flyers, second half")),
    ),
    EventSpec(
        "berlin", "Support circle volunteers' briefing", Strategy.SURVIVOR_SUPPORT, 25, "18:00", 2,
        "Briefing for volunteers who accompany survivors to appointments.",
        place=("Beratungsstelle", "Chausseestraße 5, 10115 Berlin", "52.528", "13.386"),
        address_visibility=AddressVisibility.CONFIRMED, capacity=8, language="de",
    ),
    EventSpec(
        "berlin", "Advocacy training: writing to your representatives", Strategy.ADVOCACY, 30, "18:30", 1.5,
        "How to write to members of the Bundestag about child protection laws.",
        format=EventFormat.ONLINE, online_url="https://meet.example.org/outreach-berlin-advocacy", capacity=40,
    ),
    EventSpec(
        "berlin", "Neighbourhood festival booth", Strategy.COMMUNITY_ENGAGEMENT, 45, "12:00", 5,
        "Games for children and information for parents at the Kiezfest.",
        place=("Weinbergspark", "Veteranenstraße 10, 10119 Berlin", "52.533", "13.402"), capacity=6,
    ),
    EventSpec(
        "berlin", "Workshop for youth workers", Strategy.PARTNERSHIP, -6, "10:00", 3,
        "With Jugendzentrum Mitte: recognizing exploitation among the young people you work with.",
        audiences=("youth", "educators"), partners=("Jugendzentrum Mitte", "Bezirksamt Mitte"), language="de",
        place=("Jugendzentrum Mitte", "Gartenstraße 20, 10115 Berlin", "52.534", "13.388"),
        signups=(S("coordinator", attended=True), S("lena", attended=True)),
    ),
    EventSpec(
        "berlin", "Internet safety workshops for grades 7 and 8", Strategy.INTERNET_SAFETY, -20, "09:00", 3,
        "Sexting, sextortion and who to tell, in small groups.",
        audiences=("youth",), partners=("Gymnasium am Park",), language="de",
        place=("Gymnasium am Park", "Parkstraße 12, 10115 Berlin", "52.531", "13.384"),
        signups=(S("jonas", attended=True), S("lena", attended=False)),
    ),
    EventSpec(
        "berlin", "Kiez walk and flyer drop", Strategy.COMMUNITY_ENGAGEMENT, -33, "14:00", 2,
        "Flyers for shops and cafés along the way.",
        place=("Rosenthaler Platz", "Rosenthaler Platz, 10119 Berlin", "52.530", "13.401"),
        signups=(S("coordinator", attended=True),),
    ),
    # Manila
    EventSpec(
        "manila", "Barangay assembly: online sexual exploitation of children", Strategy.INTERNET_SAFETY, 4, "14:00", 3,
        "Recognizing and reporting OSEC in the barangay, with the Barangay 143 Council.",
        audiences=("parents", "general_public"), language="tl", campaign=True, partners=("Barangay 143 Council",),
        place=("Barangay 143 Hall", "Tondo, Manila", "14.617", "120.967"), capacity=5,
        signups=(S("volunteer2"), S("ana"), S("maria")),
    ),
    EventSpec(
        "manila", "Parents' forum: talking with teens about online risks", Strategy.OPEN_DIALOGUE, 11, "18:00", 2,
        "An open forum for parents, with counsellors on hand.",
        audiences=("parents",), place=("Sampaguita National High School", "Sampaloc, Manila", "14.608", "120.993"),
        partners=("Sampaguita National High School",), signups=(S("ana"),),
    ),
    EventSpec(
        "manila", "Youth fellowship talk: knowing your worth", Strategy.AWARENESS_EDUCATION, 19, "16:00", 2,
        "A talk for church youth groups on grooming, recruitment and asking for help.",
        audiences=("youth", "faith_communities"),
        place=("Parish hall, Quiapo", "Quezon Blvd, Quiapo, Manila", "14.599", "120.984"),
    ),
    EventSpec(
        "manila", "Coalition meeting with NGOs and agencies", Strategy.PARTNERSHIP, 26, "09:00", 3,
        "Quarterly meeting of the referral network.",
        partners=("Bayanihan Youth Network", "Barangay 143 Council"), capacity=4,
        place=("Manila City Hall, conference room", "Padre Burgos Ave, Ermita, Manila", "14.590", "120.981"),
    ),
    EventSpec(
        "manila", "Online advocacy workshop: petitions that work", Strategy.ADVOCACY, 33, "19:00", 1.5,
        "Writing petitions and position papers for local ordinances.",
        format=EventFormat.ONLINE, online_url="https://meet.example.org/outreach-manila-advocacy", capacity=50,
    ),
    EventSpec(
        "manila", "Reintegration skills fair", Strategy.SURVIVOR_SUPPORT, 40, "10:00", 4,
        "Job skills and mentoring for survivors, with partner employers.",
        place=("Shelter partner venue", "Malate, Manila", "14.571", "120.989"),
        address_visibility=AddressVisibility.CONFIRMED, capacity=6,
    ),
    EventSpec(
        "manila", "Coastal community outreach day", Strategy.COMMUNITY_ENGAGEMENT, 50, "08:00", 6,
        "House-to-house visits and a community assembly in the afternoon.",
        place=("Baseco Compound", "Port Area, Manila", "14.593", "120.958"), capacity=2, shift_name="Team lead",
        shifts=(ShiftSpec("Morning visits", 0, 180, 6), ShiftSpec("Afternoon assembly", 180, 180, 6)),
        signups=(S("maria"), S("ana", "Morning visits"), S("volunteer2", "Afternoon assembly")),
    ),
    EventSpec(
        "manila", "Internet café owners' briefing", Strategy.PARTNERSHIP, -8, "15:00", 2,
        "With the Mabuhay Internet Cafés Association: signs of exploitation on the premises.",
        audiences=("businesses",), partners=("Mabuhay Internet Cafés Association",),
        place=("Sampaloc Community Center", "Sampaloc, Manila", "14.610", "120.990"),
        signups=(S("volunteer2", attended=True), S("maria", attended=True)),
    ),
    EventSpec(
        "manila", "School caravan: awareness talks", Strategy.AWARENESS_EDUCATION, -17, "08:00", 4,
        "Talks in three schools in one morning.",
        audiences=("youth",), partners=("Sampaguita National High School",), language="tl",
        place=("Sampaguita National High School", "Sampaloc, Manila", "14.608", "120.993"),
        signups=(S("ana", attended=True), S("volunteer2", attended=True)),
    ),
    EventSpec(
        "manila", "Survivor support volunteer orientation", Strategy.SURVIVOR_SUPPORT, -29, "13:00", 3,
        "Trauma-informed basics for new support volunteers.",
        place=("Bayanihan Youth Network office", "Ermita, Manila", "14.583", "120.984"),
        address_visibility=AddressVisibility.CONFIRMED, partners=("Bayanihan Youth Network",),
        signups=(S("ana", attended=True),),
    ),
    EventSpec(
        "manila", "Advocacy day at city hall", Strategy.ADVOCACY, -45, "09:00", 4,
        "Meeting councillors about the anti-OSEC ordinance.",
        place=("Manila City Hall", "Padre Burgos Ave, Ermita, Manila", "14.590", "120.981"),
        signups=(S("maria", attended=True), S("volunteer2", attended=True)),
    ),
)  # fmt: skip

SERIES = {
    "chapter": "chicago",
    "title": "Weekly street outreach",
    "summary": "Every week: flyers and conversations along the Red Line stations.",
    "strategy": Strategy.COMMUNITY_ENGAGEMENT,
    "recurrence": "FREQ=WEEKLY;COUNT=52",
    "first_day": -28,
    "at": "10:00",
    "hours": 2,
    "capacity": 6,
    "venue": "Wilson Red Line station",
    "address": "4620 N Broadway, Chicago, IL",
    "latitude": Decimal("41.965"),
    "longitude": Decimal("-87.657"),
    "signups": ("marcus", "tomas"),
}

LABELS = {
    "account": ("account", "accounts"),
    "membership": ("membership", "memberships"),
    "chapter": ("chapter", "chapters"),
    "campaign": ("campaign", "campaigns"),
    "partner": ("partner", "partners"),
    "event": ("event", "events"),
    "series": ("series", "series"),
    "shift": ("shift", "shifts"),
    "publication": ("publication", "publications"),
    "cancellation": ("cancellation", "cancellations"),
    "signup": ("signup", "signups"),
    "check-in": ("check-in", "check-ins"),
}


def _local(zone: str, day: dt.date, at: str) -> dt.datetime:
    return make_aware_local(dt.datetime.combine(day, dt.time.fromisoformat(at)), zone)


class Command(BaseCommand):
    help = (
        "Load demo chapters, events, shifts and signups, and print the demo accounts. "
        "Safe to run again: it creates only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be created; write nothing.")

    def handle(self, *args, dry_run=False, **options):
        self.dry_run = dry_run
        self.verbosity = options.get("verbosity", 1)
        self.now = timezone.now()
        self.created = Counter()

        chapters = {spec.slug: self.ensure_chapter(spec) for spec in CHAPTERS}
        users = {spec.key: self.ensure_account(spec) for spec in ACCOUNTS}
        for spec in ACCOUNTS:
            for slug, role in spec.memberships:
                self.ensure_membership(users[spec.key], chapters[slug], role, spec.email)
        campaign = self.ensure_campaign()
        partners = {spec.slug: self.ensure_partners(spec, chapters[spec.slug]) for spec in CHAPTERS}
        managers = {spec.slug: users[spec.manager] for spec in CHAPTERS}
        zones = {spec.slug: spec.timezone for spec in CHAPTERS}
        for spec in EVENTS:
            self.ensure_event(
                spec,
                chapter=chapters[spec.chapter],
                zone=zones[spec.chapter],
                created_by=managers[spec.chapter],
                campaign=campaign if spec.campaign else None,
                partners=partners[spec.chapter],
                users=users,
            )
        self.ensure_series(chapters[SERIES["chapter"]], zones[SERIES["chapter"]], managers[SERIES["chapter"]], users)

        self.report()

    # Reporting

    def record(self, kind: str, label: str, count: int = 1) -> None:
        self.created[kind] += count
        if self.verbosity >= 2:
            verb = "would create" if self.dry_run else "created"
            self.stdout.write(f"  {verb} {kind}: {label}")

    def report(self) -> None:
        if self.created:
            parts = [f"{n} {LABELS[kind][n != 1]}" for kind, n in self.created.items()]
            verb = "Would create" if self.dry_run else "Created"
            self.stdout.write(self.style.SUCCESS(f"{verb}: {', '.join(parts)}."))
        else:
            self.stdout.write("The demo data is already loaded; nothing to create.")
        if self.dry_run:
            self.stdout.write("Dry run: nothing was written.")
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for each: {DEMO_PASSWORD}):")
        for spec in ACCOUNTS:
            if spec.can_log_in:
                self.stdout.write(f"  {spec.email:<26} {spec.description}")

    # Accounts and chapters

    def ensure_account(self, spec: AccountSpec) -> User | None:
        user = User.objects.filter(email__iexact=spec.email).first()
        if user is None:
            self.record("account", spec.email)
            if self.dry_run:
                return None
            create = User.objects.create_superuser if spec.is_superuser else User.objects.create_user
            user = create(
                email=spec.email,
                password=DEMO_PASSWORD if spec.can_log_in else None,
                display_name=spec.display_name,
                legal_name=spec.legal_name,
                phone=spec.phone,
            )
        if spec.can_log_in and not self.dry_run:
            # Logging in requires a verified address (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
            EmailAddress.objects.get_or_create(
                user=user, email=spec.email, defaults={"verified": True, "primary": True}
            )
        return user

    def ensure_membership(self, user, chapter, role: str, email: str) -> None:
        if user is not None and chapter is not None and Membership.objects.filter(user=user, chapter=chapter).exists():
            return
        self.record("membership", email)
        if not self.dry_run:
            membership_add(chapter=chapter, user=user, role=role)

    def ensure_chapter(self, spec: ChapterSpec) -> Chapter | None:
        chapter = Chapter.objects.filter(slug=spec.slug).first()
        if chapter is not None:
            return chapter
        self.record("chapter", spec.slug)
        if self.dry_run:
            return None
        chapter = Chapter(
            slug=spec.slug,
            name=spec.name,
            description=spec.description,
            timezone=spec.timezone,
            city=spec.city,
            region=spec.region,
            country=spec.country,
            latitude=Decimal(spec.latitude),
            longitude=Decimal(spec.longitude),
            contact_email=spec.contact_email,
            help_line=spec.help_line,
        )
        chapter.full_clean()
        chapter.save()
        return chapter

    def ensure_campaign(self) -> Campaign | None:
        campaign = Campaign.objects.filter(slug=CAMPAIGN["slug"]).first()
        if campaign is not None:
            return campaign
        self.record("campaign", CAMPAIGN["slug"])
        if self.dry_run:
            return None
        today = timezone.localdate(self.now)
        campaign = Campaign(
            slug=CAMPAIGN["slug"],
            name=CAMPAIGN["name"],
            description=CAMPAIGN["description"],
            starts_on=today + dt.timedelta(days=CAMPAIGN["starts_days"]),
            ends_on=today + dt.timedelta(days=CAMPAIGN["ends_days"]),
        )
        campaign.full_clean()
        campaign.save()
        return campaign

    def ensure_partners(self, spec: ChapterSpec, chapter: Chapter | None) -> dict[str, Partner]:
        partners = {}
        for name, kind in spec.partners:
            partner = Partner.objects.filter(chapter=chapter, name=name).first() if chapter else None
            if partner is None:
                self.record("partner", name)
                if self.dry_run:
                    continue
                partner = Partner(chapter=chapter, name=name, kind=kind)
                partner.full_clean()
                partner.save()
            partners[name] = partner
        return partners

    # Events

    def ensure_event(self, spec: EventSpec, *, chapter, zone, created_by, campaign, partners, users) -> None:
        event = Event.objects.filter(chapter=chapter, title=spec.title, series=None).first() if chapter else None
        if event is None:
            self.record("event", spec.title)
            if self.dry_run:
                self.record("shift", spec.title, 1 + len(spec.shifts))
                self.record("signup", spec.title, len(spec.signups))
                return
            day = timezone.localdate(self.now, zoneinfo.ZoneInfo(zone)) + dt.timedelta(days=spec.day)
            starts_at = _local(zone, day, spec.at)
            venue, address, latitude, longitude = spec.place or ("", "", None, None)
            event = event_create(
                chapter=chapter,
                created_by=created_by,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=spec.hours),
                capacity=spec.capacity,
                shift_name=spec.shift_name,
                partners=[partners[name] for name in spec.partners],
                title=spec.title,
                summary=spec.summary,
                strategy=spec.strategy,
                audiences=list(spec.audiences),
                language=spec.language,
                format=spec.format,
                venue=venue,
                address=address,
                latitude=Decimal(latitude) if latitude else None,
                longitude=Decimal(longitude) if longitude else None,
                address_visibility=spec.address_visibility,
                online_url=spec.online_url,
                visibility=spec.visibility,
                campaign=campaign,
            )
            self.record("shift", f"{spec.title}: {spec.shift_name}")

        for shift_spec in spec.shifts:
            if not event.shifts.filter(name=shift_spec.name).exists():
                self.record("shift", f"{spec.title}: {shift_spec.name}")
                if not self.dry_run:
                    starts_at = event.starts_at + dt.timedelta(minutes=shift_spec.start_minutes)
                    shift_create(
                        event=event,
                        name=shift_spec.name,
                        starts_at=starts_at,
                        ends_at=starts_at + dt.timedelta(minutes=shift_spec.minutes),
                        capacity=shift_spec.capacity,
                    )

        if spec.status != EventStatus.DRAFT and event.status == EventStatus.DRAFT:
            self.record("publication", spec.title)
            if not self.dry_run:
                event = event_publish(event=event)

        for signup_spec in spec.signups:
            self.ensure_signup(event, signup_spec, spec.shift_name, users[signup_spec.who])

        if spec.status == EventStatus.CANCELLED and event.status != EventStatus.CANCELLED:
            self.record("cancellation", spec.title)
            if not self.dry_run:
                event_cancel(event=event, note=spec.cancel_note)

    def ensure_signup(self, event: Event, spec: SignupSpec, default_shift: str, user) -> None:
        shift = Shift.objects.filter(event=event, name=spec.shift or default_shift).first()
        signup = Signup.objects.filter(user=user, shift=shift).first() if shift and user else None
        if signup is None:
            self.record("signup", f"{event.title}: {spec.who}")
            if self.dry_run:
                return
            # A past event took its signups before it started, as it would have.
            signed_up_at = event.starts_at - dt.timedelta(days=7) if event.has_ended(self.now) else None
            signup = signup_create(user=user, shift=shift, now=signed_up_at)
        if spec.attended is not None and signup.attended is None and event.has_ended(self.now):
            self.record("check-in", f"{event.title}: {spec.who}")
            if not self.dry_run:
                signup_check_in(signup=signup, attended=spec.attended)

    def ensure_series(self, chapter, zone: str, created_by, users) -> None:
        series = EventSeries.objects.filter(chapter=chapter, title=SERIES["title"]).first() if chapter else None
        if series is None:
            self.record("series", SERIES["title"])
            if self.dry_run:
                return
            first_day = timezone.localdate(self.now, zoneinfo.ZoneInfo(zone)) + dt.timedelta(days=SERIES["first_day"])
            # Created and published before its first occurrence, so its past occurrences were published
            # too; then extended to today's horizon, as the daily extend_series run would have done.
            created_at = _local(zone, first_day, SERIES["at"]) - dt.timedelta(days=2)
            series = series_create(
                chapter=chapter,
                created_by=created_by,
                recurrence=SERIES["recurrence"],
                start_date=first_day,
                start_time=dt.time.fromisoformat(SERIES["at"]),
                duration=dt.timedelta(hours=SERIES["hours"]),
                capacity=SERIES["capacity"],
                now=created_at,
                title=SERIES["title"],
                summary=SERIES["summary"],
                strategy=SERIES["strategy"],
                venue=SERIES["venue"],
                address=SERIES["address"],
                latitude=SERIES["latitude"],
                longitude=SERIES["longitude"],
            )
            series = series_publish(series=series, now=created_at)
            series = series_extend(series=series)
            occurrences = series.occurrences.count()
            self.record("event", f"{SERIES['title']}: {occurrences} occurrences", occurrences)
            self.record("shift", f"{SERIES['title']}: {occurrences} occurrences", occurrences)
        if series.status == EventStatus.DRAFT:
            self.record("publication", SERIES["title"])
            if not self.dry_run:
                series = series_publish(series=series)

        # Each volunteer holds one place in the series: the next occurrence when they were signed up.
        for key in SERIES["signups"]:
            user = users[key]
            if user is not None and Signup.objects.filter(user=user, shift__event__series=series).exists():
                continue
            self.record("signup", f"{SERIES['title']}: {key}")
            if self.dry_run:
                continue
            shift = (
                Shift.objects.filter(event__series=series, event__status=EventStatus.PUBLISHED, starts_at__gt=self.now)
                .order_by("starts_at")
                .first()
            )
            signup_create(user=user, shift=shift)
