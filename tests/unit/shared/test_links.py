"""Signed download links: valid until their expiry, for one job and tenant, any accepted key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

import pytest

from shared.links import LinkSigner

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
JOB = "0b8f6c1e-1111-4222-8333-444455556666"


def params(signer: LinkSigner, execution_id: str = JOB, tenant: str = "acme") -> dict[str, str]:
    return dict(parse_qsl(signer.query(execution_id, tenant, now=NOW)))


def test_a_fresh_link_verifies_until_it_expires() -> None:
    signer = LinkSigner(["s1"], lifetime=timedelta(minutes=60))
    link = params(signer)
    claims = signer.verify(JOB, link, now=NOW + timedelta(minutes=59))
    assert claims is not None and claims.tenant == "acme"
    assert signer.verify(JOB, link, now=NOW + timedelta(minutes=60)) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("tenant", "other"), ("expires", "9999999999"), ("signature", "AAAA"), ("signature", "")],
)
def test_a_tampered_link_is_refused(field: str, value: str) -> None:
    signer = LinkSigner(["s1"], lifetime=timedelta(minutes=60))
    link = params(signer) | {field: value}
    assert signer.verify(JOB, link, now=NOW) is None


def test_expiries_are_rounded_up_to_five_minutes_so_answers_stay_the_same() -> None:
    signer = LinkSigner(["s1"], lifetime=timedelta(minutes=60))
    first = signer.query(JOB, "acme", now=NOW + timedelta(seconds=1))
    assert signer.query(JOB, "acme", now=NOW + timedelta(seconds=299)) == first
    assert dict(parse_qsl(first))["expires"] == str(int((NOW + timedelta(minutes=65)).timestamp()))


def test_a_link_is_bound_to_its_execution() -> None:
    signer = LinkSigner(["s1"], lifetime=timedelta(minutes=60))
    assert signer.verify("another-id", params(signer), now=NOW) is None


def test_rotation_accepts_every_listed_secret_and_signs_with_the_first() -> None:
    old = LinkSigner(["old"], lifetime=timedelta(minutes=60))
    both = LinkSigner(["new", "old"], lifetime=timedelta(minutes=60))
    new_only = LinkSigner(["new"], lifetime=timedelta(minutes=60))
    assert both.verify(JOB, params(old), now=NOW) is not None
    assert new_only.verify(JOB, params(both), now=NOW) is not None
    assert new_only.verify(JOB, params(old), now=NOW) is None


def test_signed_params_are_recognised() -> None:
    assert LinkSigner.is_signed({"signature": "x"})
    assert not LinkSigner.is_signed({"redirect": "false"})
