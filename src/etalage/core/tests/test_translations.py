from django.utils import translation

from etalage.core.translations import translation_problems


def test_every_interface_message_is_translated():
    assert translation_problems() == []


def test_the_compiled_catalogues_are_the_ones_in_use():
    with translation.override("zh-hans"):
        assert translation.gettext("Sign in") == "登录"
    with translation.override("fr"):
        assert translation.gettext("Sign in") == "Se connecter"
    with translation.override("nl"):
        assert translation.gettext("Sign in") == "Aanmelden"
