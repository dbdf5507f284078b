"""The interface is Chinese unless the visitor chooses English (parkops/i18n.py)."""


def test_the_login_page_is_chinese_whatever_the_browser_asks(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>登录</h1>" in text and "Sign in" not in text


def test_english_chosen_on_the_page_is_kept_for_the_visit(client):
    client.post("/language/en", data={"next": "/login"})
    assert "<h1>Sign in</h1>" in client.get("/login").get_data(as_text=True)
