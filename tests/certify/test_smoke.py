import pytest


@pytest.mark.django_db
def test_home_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


@pytest.fixture
def named_body(db):
    from certify.selectors import body_profile_get

    profile = body_profile_get()
    profile.name_zh, profile.name_en = "华信售后服务认证中心", "Huaxin After-sales Service Certification Centre"
    profile.save(update_fields=["name_zh", "name_en"])
    return profile


def test_an_english_page_names_the_body_in_english(english_client, named_body):
    content = english_client.get("/verify/").content.decode()
    assert "Huaxin After-sales Service" in content and named_body.name_zh not in content


def test_a_chinese_page_names_the_body_in_chinese(client, named_body):
    content = client.get("/verify/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert named_body.name_zh in content
