"""Authentication-Results: only our own server's header counts."""

from __future__ import annotations

from mailflow.authresults import ours, parse, summary

OURS = ("mx.acme.example; spf=pass (sender IP is 203.0.113.9) smtp.mailfrom=northwind.example; "
        "dkim=pass header.d=northwind.example header.s=sel1; dmarc=fail header.from=northwind.example")
FORGED = "mx.acme.example.evil; spf=pass; dkim=pass; dmarc=pass"


def test_a_header_s_results_and_properties() -> None:
    authserv, results = parse(OURS)
    assert authserv == "mx.acme.example"
    assert results["spf"] == "pass" and results["dkim"] == "pass" and results["dmarc"] == "fail"
    assert results["dkim.header.d"] == "northwind.example"


def test_headers_naming_another_server_are_ignored_whoever_wrote_them() -> None:
    assert ours([FORGED, OURS], ["mx.acme.example"])["dmarc"] == "fail"
    assert ours([FORGED], ["mx.acme.example"]) == {}
    assert ours([OURS], []) == {}  # no authserv-id configured: nothing is trusted


def test_the_topmost_of_our_headers_counts() -> None:
    later = "mx.acme.example; spf=fail; dkim=none; dmarc=none"
    assert ours([later, OURS], ["MX.ACME.EXAMPLE"])["spf"] == "fail"
    assert summary(ours([OURS], ["mx.acme.example"])) == "spf=pass dkim=pass dmarc=fail"
