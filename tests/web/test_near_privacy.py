"""
The site's search by place (the find page, /) measures a confirmed-only event from its public grid
point, as the API does (tests/api/test_near_privacy.py), and a public event from its address.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache

from events.enums import AddressVisibility
from tests.api.test_near_privacy import ADDRESS, CHAPTER_CITY, CORNERS, GRID_POINT, km_between, locate
from tests.factories import EventFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def site_search(client, latitude, longitude, radius_km) -> list:
    response = client.get("/", {"place": f"{latitude},{longitude}", "radius_km": str(radius_km)})
    assert response.status_code == 200
    assert response.context["form"].errors == {}
    return response.context["events"]


def test_find_page_bisection_finds_the_grid_point_not_the_address(client, chapter):
    event = EventFactory(
        chapter=chapter, latitude=ADDRESS[0], longitude=ADDRESS[1], address_visibility=AddressVisibility.CONFIRMED
    )

    def found(latitude, longitude, radius_km):
        return any(shown.pk == event.pk for shown in site_search(client, latitude, longitude, radius_km))

    estimate = locate(found, CHAPTER_CITY)

    assert km_between(estimate, GRID_POINT) < 0.005
    assert km_between(estimate, ADDRESS) > 0.6


def test_find_page_shows_the_same_distance_for_confirmed_only_addresses_in_one_grid_cell(client, chapter):
    hidden = [
        EventFactory(
            chapter=chapter, title=title, latitude=lat, longitude=lng, address_visibility=AddressVisibility.CONFIRMED
        )
        for title, (lat, lng) in zip(("Hidden A", "Hidden B"), CORNERS, strict=True)
    ]
    point = (41.86, -87.65)  # 2.8 km from the grid point; the addresses are 2.1 and 3.5 km away

    response = client.get("/", {"place": "{},{}".format(*point), "radius_km": "10"})

    shown = {event.title: event.distance_km for event in response.context["events"]}
    expected = pytest.approx(km_between(point, GRID_POINT), abs=1e-6)
    assert shown == {"Hidden A": expected, "Hidden B": expected}
    assert response.text.count("3 km away") == 2
    assert [event.pk for event in response.context["events"]] == [event.pk for event in hidden]


def test_find_page_finds_a_public_event_at_its_exact_distance_and_a_confirmed_only_one_at_its_grid_point(
    client, chapter
):
    point = (41.8795, -87.6254)  # 56 m south of both events; their grid point is 381 m west of them
    latitude, longitude = Decimal("41.8800"), Decimal("-87.6254")
    public = EventFactory(chapter=chapter, title="Public", latitude=latitude, longitude=longitude)
    hidden = EventFactory(
        chapter=chapter,
        title="Hidden",
        latitude=latitude,
        longitude=longitude,
        address_visibility=AddressVisibility.CONFIRMED,
    )

    near_the_address = [event.pk for event in site_search(client, *point, "0.1")]
    near_the_grid_point = [event.pk for event in site_search(client, *GRID_POINT, "0.1")]

    assert near_the_address == [public.pk]
    assert near_the_grid_point == [hidden.pk]
