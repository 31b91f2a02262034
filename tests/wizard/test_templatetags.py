import datetime

from wizard.templatetags.liftoff import ago

NOW = datetime.datetime(2026, 11, 25, 9, 30, tzinfo=datetime.UTC)


def test_it_says_just_now_within_a_minute():
    assert ago(NOW - datetime.timedelta(seconds=59), NOW) == "just now"


def test_it_says_how_long_ago_after_a_minute():
    assert ago(NOW - datetime.timedelta(minutes=1), NOW) == "1\xa0minute ago"
    assert ago(NOW - datetime.timedelta(days=3, hours=2), NOW) == "3\xa0days, 2\xa0hours ago"


def test_it_says_nothing_without_a_date():
    assert ago(None, NOW) == ""
