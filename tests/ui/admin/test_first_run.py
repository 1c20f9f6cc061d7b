"""The first-administrator wizard shows no error box before there is an error."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from packstation.ui.admin.first_run import FirstRunWizard

pytestmark = pytest.mark.gui


def test_no_error_box_until_a_page_is_refused(qtbot: QtBot) -> None:
    created: list[str] = []
    wizard = FirstRunWizard(create_first_admin=lambda name, *_rest: created.append(name) or 1, issuer="PackStation")
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.account
    assert not page.problem.isVisible() and not wizard.two_factor.problem.isVisible()
    page.username.setText("")
    wizard.next()
    assert wizard.currentPage() is page and page.problem.isVisible()
    assert page.problem.text() == "Enter a user name"
    page.username.setText("yönetici")
    page.password.setText("Çok-Güçlü-Parola-1")
    page.repeat.setText("Çok-Güçlü-Parola-1")
    wizard.next()
    assert wizard.currentPage() is wizard.two_factor
    assert not page.problem.isVisible(), "the message goes once the problem is fixed"
    assert created == []
