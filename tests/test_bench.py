from bench.api_event_list import EVENTS, build_data, measure


def test_bench_event_list_reports_three_views_with_fixed_query_counts(db):
    token = build_data()

    result = measure(token, iterations=2, warmup=1)

    rows = {row["name"]: row for row in result["rows"]}
    assert list(rows) == ["event_list", "bare", "values"]
    # event list: token, the member's roles, count, page, confirmed ids, partners, shifts
    assert {name: row["queries"] for name, row in rows.items()} == {"event_list": 7, "bare": 0, "values": 3}
    assert {name: row["events"] for name, row in rows.items()} == {"event_list": EVENTS, "bare": 0, "values": EVENTS}
    assert EVENTS == 50
    assert set(result["ratios"]) == {"event_list/bare", "event_list/values"}
    assert all(isinstance(ratio, float) for ratio in result["ratios"].values())
