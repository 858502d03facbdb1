"""Answer buttons' callback data: signed for one chat and member, parsed strictly."""

from __future__ import annotations

import pytest

from bot.telegram.callback_tokens import ButtonSigner, SignedAnswer, parse_answer_press

SIGNER = ButtonSigner(b"a-test-secret-of-32-bytes-length")


def test_a_signed_button_is_valid_only_for_its_chat_and_member():
    signed = SignedAnswer(SIGNER, query_id=41, chat_id=-1001234567890, user_id=987654321)
    press = parse_answer_press(signed.feedback_data(-1))
    assert (press.kind, press.query_id, press.value) == ("fb", 41, -1)
    assert SIGNER.is_valid(press, -1001234567890, 987654321)
    assert not SIGNER.is_valid(press, -1001234567890, 987654322)  # another member
    assert not SIGNER.is_valid(press, 987654321, 987654321)  # the member's private chat
    assert not ButtonSigner(b"another-secret-of-32-bytes-long!").is_valid(press, -1001234567890, 987654321)
    other_answer = parse_answer_press(signed.sources_data().replace("src:41:", "src:42:"))
    assert not SIGNER.is_valid(other_answer, -1001234567890, 987654321)


def test_callback_data_fits_telegram_s_64_bytes_at_the_largest_ids():
    signed = SignedAnswer(SIGNER, query_id=10**18 - 1, chat_id=-1009999999999999, user_id=10**15)
    assert len(signed.feedback_data(-1).encode()) <= 64 and len(signed.sources_data().encode()) <= 64
    assert parse_answer_press(signed.feedback_data(-1)) is not None


@pytest.mark.parametrize("data", [
    None, "", "src:12", "fb:12:1", "fb:12:5:AAAAAAAAAAAAAAAA", "fb:12:0:AAAAAAAAAAAAAAAA",
    "fb:12::AAAAAAAAAAAAAAAA", "src:12:1:AAAAAAAAAAAAAAAA", "src:x:AAAAAAAAAAAAAAAA",
    "src:12:AAAA", "kb:abc:yes", "src:12:AAAAAAAAAAAAAAAA:extra",
])
def test_anything_but_a_well_formed_button_is_rejected_without_an_error(data):
    assert parse_answer_press(data) is None


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="at least 16 bytes"):
        ButtonSigner(b"short")
