"""
The distance filter's bounds (docs/product.md, "REST API v1": `radius_km` at least 0.1, at most 1000)
hold alike on the API's event list and the site's search, which hands its values to the same filter.
"""

from decimal import Decimal

import pytest

from tests.factories import EventFactory

POINT = "41.88,-87.63"


@pytest.fixture
def around(chapter):
    """An event about 56 m from POINT and one about 167 m from it (a thousandth of a degree is 111 m)."""
    inside = EventFactory(chapter=chapter, title="Inside", latitude=Decimal("41.8805"), longitude=Decimal("-87.63"))
    outside = EventFactory(chapter=chapter, title="Outside", latitude=Decimal("41.8815"), longitude=Decimal("-87.63"))
    return inside, outside


def test_api_takes_the_smallest_radius(api, around):
    inside, _outside = around

    response = api.get(f"/api/v1/events/?near={POINT}&radius_km=0.1")

    assert response.status_code == 200
    assert [event["id"] for event in response.json()["results"]] == [inside.pk]


@pytest.mark.parametrize(
    ("radius", "message"),
    [
        ("0.09", "Ensure this value is greater than or equal to 0.1."),
        ("0", "Ensure this value is greater than or equal to 0.1."),
        ("1000.01", "Ensure this value is less than or equal to 1000.0."),
    ],
)
def test_api_refuses_a_radius_out_of_bounds(api, around, radius, message):
    response = api.get(f"/api/v1/events/?near={POINT}&radius_km={radius}")

    assert response.status_code == 400
    assert response.json() == {"radius_km": [message]}


def test_site_search_takes_the_smallest_radius_and_shows_it(client, around):
    inside, _outside = around

    response = client.get("/", {"place": POINT, "radius_km": "0.1"})

    assert response.status_code == 200
    assert response.context["form"].errors == {}
    assert [event.pk for event in response.context["events"]] == [inside.pk]
    assert '<option value="0.1" selected>0.1 km</option>' in response.text


def test_site_search_keeps_its_list_of_distances(client, around):
    response = client.get("/", {"place": POINT, "radius_km": "25"})

    assert response.context["form"].errors == {}
    assert [event.title for event in response.context["events"]] == ["Inside", "Outside"]
    assert '<option value="25" selected>25 km</option>' in response.text
    assert "0.1 km" not in response.text


@pytest.mark.parametrize(
    ("radius", "message"),
    [
        ("0.09", "Ensure this value is greater than or equal to 0.1."),
        ("1000.01", "Ensure this value is less than or equal to 1000.0."),
        ("ten", "Enter a number."),
    ],
)
def test_site_search_refuses_a_radius_out_of_bounds(client, around, radius, message):
    response = client.get("/", {"place": POINT, "radius_km": radius})

    assert response.context["form"].errors == {"radius_km": [message]}
    assert list(response.context["events"]) == []
