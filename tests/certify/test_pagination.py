import pytest

from certify.models import User
from certify.pagination import Window
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    UserFactory.create_batch(5)
    return User.objects.order_by("pk")


def test_a_window_shows_its_rows_and_knows_a_next_page_exists(users):
    page = Window(users, 1, per_page=2)
    assert (len(page), page.has_next, page.has_previous) == (2, True, False)


def test_the_last_window_has_no_next_page(users):
    page = Window(users, 3, per_page=2)
    assert (len(page), page.has_next, page.has_previous) == (1, False, True)


def test_a_window_beyond_the_last_page_knows_it_is_past_the_end(users):
    assert (Window(users, 9, per_page=2).past_end, Window(users, 3, per_page=2).past_end) == (True, False)


def test_a_register_page_past_the_end_links_back_to_the_first_page(client):
    content = client.get("/register/", {"q": "016", "page": 999}).content.decode()
    assert 'data-testid="past-end"' in content and "?q=016&amp;page=1" in content


def test_a_window_reads_its_rows_in_one_query_without_counting(users, django_assert_num_queries):
    with django_assert_num_queries(1):
        Window(users, 2, per_page=2)


@pytest.mark.parametrize("number", ["", "0", "-1", "abc", None])
def test_a_bad_page_number_shows_the_first_window(users, number):
    assert Window(users, number, per_page=2).number == 1


def test_pagination_links_keep_every_filter_but_the_page(rf):
    from django.template import engines

    request = rf.get("/", {"q": "福州 店", "status": "certified", "page": "3"})
    rendered = engines["django"].from_string("{% load certify_tags %}{% query_without_page %}").render(
        {"request": request}
    )
    assert rendered == "q=%E7%A6%8F%E5%B7%9E+%E5%BA%97&amp;status=certified"
