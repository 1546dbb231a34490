"""A wrong event file is refused with the entry and the reason in words a person fixing the
TOML understands (the pydantic models of checkin/config.py), never a validation dump."""

import re

import pytest

from checkin.config import ConfigError, config_from_dict


@pytest.mark.parametrize(("raw", "said"), [
    ({"meals": [{"id": "x"}]}, "meals #1: 'name' is required"),
    ({"forums": [{"name": "A", "capacity": "ten"}]}, "forums #1: capacity must be a whole number"),
    ({"forums": [{"name": "A"}, {"name": "B", "capacity": -1}]},
     "forums #2: capacity must be a whole number"),
    ({"meals": [{"name": "午餐", "date": "12/4"}]},
     "meals #1: '12/4' is not a date (YYYY-MM-DD) or time (HH:MM)"),
    ({"event": {"timezone": "Mars/Base"}}, "event: unknown timezone 'Mars/Base'"),
    ({"privacy": {"oops": 1}}, "privacy: unknown setting oops (organiser_pin_hash, desk_fields"),
    ({"privacy": "x"}, "privacy must be a table: [privacy]"),
    ({"alerts": {"acknowledge": "yes"}}, "alerts: acknowledge is true or false"),
    ({"alerts": {"words": "VIP"}}, 'alerts: words must be a list of words'),
    ({"tickets": {"require_signature": True}},
     "tickets: require_signature needs at least one key in tickets.keys"),
    ({"categories": [{"name": "参会代表", "name_en": 3}]}, "categories #1: name_en is the English"),
    ({"forums": [{"name": "A", "signup_required": "maybe"}]},
     "forums #1: signup_required is true or false"),
    ({"meals": [{"name": "午餐"}, {"name": "午餐"}]}, "meal ids must be unique; repeated: 午餐"),
    ({"meals": "午餐"}, "meals must be a list of [[meals]] tables"),
    ({"meals": ["午餐"]}, "meals #1 must be a table: [[meals]]"),
])
def test_a_wrong_entry_is_named_with_its_reason(raw, said):
    with pytest.raises(ConfigError) as refused:
        config_from_dict(raw)
    assert str(refused.value).startswith(said)
    assert "pydantic" not in str(refused.value) and "Input should" not in str(refused.value)


def test_a_good_file_keeps_its_values_and_sorts_meals_by_time():
    import datetime as dt

    config = config_from_dict({
        "event": {"name": "SHIC 2026", "start": dt.date(2026, 12, 4)},
        "meals": [{"id": "d2", "name": "午餐2", "date": "2026-12-05", "start": dt.time(12, 0)},
                  {"id": "d1", "name": "午餐1", "date": "2026-12-04", "start": "12:00"}],
        "forums": [{"name": "F1", "capacity": 150, "room": "306"}],
        "categories": [{"name": "参会代表", "name_en": "  Delegate ", "color": "#123456",
                        "days": [dt.date(2026, 12, 4)]}],
        "privacy": {"desk_fields": ["category", "category"], "desk_unmasked": ["phone"]},
        "alerts": {"words": [" 轮椅 "], "acknowledge": True},
    })
    assert [m.id for m in config.meals] == ["d1", "d2"] and config.meals[1].start == "12:00"
    assert config.start == "2026-12-04" and config.forums[0].id == "F1"
    category = config.categories[0]
    assert (category.name_en, category.colour, category.days) == (
        "Delegate", "#123456", ("2026-12-04",))
    assert config.privacy.desk_fields == ("code", "name", "category")
    assert config.privacy.desk_unmasked == ("phone",)
    assert config.alerts.words == ("轮椅",) and config.alerts.acknowledge


def test_the_kiosk_section_is_checked_and_survives_the_trip_to_the_desks():
    from checkin.config import config_from_json, config_to_json
    from checkin.model import Kiosk

    config = config_from_dict({"kiosk": {"confirm": "id_tail", "idle_seconds": 30}})
    assert config.kiosk == Kiosk(confirm="id_tail", auto_print_seconds=3, idle_seconds=30)
    assert config_from_json(config_to_json(config)) == config
    assert "kiosk" not in config_to_json(config_from_dict({}))  # defaults: the JSON of before
    for bad, words in [({"confirm": "sms"}, "confirm is one of none, id_tail, code"),
                       ({"idle_seconds": -1}, "a whole number of seconds"),
                       ({"idle": 3}, "unknown setting idle (confirm, auto_print_seconds")]:
        with pytest.raises(ConfigError, match=re.escape(words)):
            config_from_dict({"kiosk": bad})
