"""Every role that works patrols reaches Supervision from the main navigation."""


def test_crews_inspectors_and_leaders_see_supervision_in_the_navigation(
    park, as_user, client, make_user
):
    staff = make_user("clerk", ["cashier"], sites=[park.psy])
    for user, shown in (
        (park.crew, True),
        (park.inspector, True),
        (park.leader, True),
        (staff, False),
    ):
        as_user(user)
        nav = client.get("/").get_data(as_text=True).split("</nav>", 1)[0]
        assert ('href="/patrols/"' in nav) is shown, user.username
