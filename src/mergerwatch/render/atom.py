"""The watch alerts as an Atom 1.0 feed: valid XML whatever the scraped text holds (characters XML forbids are
dropped), links only http(s)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from mergerwatch.core.textsafe import safe_url

# Characters XML 1.0 forbids; scraped text can carry them.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NS = "http://www.w3.org/2005/Atom"


def xml_text(value: Any) -> str:
    return _XML_BAD.sub("", "" if value is None else str(value))


def atom_feed(alerts: Sequence[Any], store_url: str, updated: str) -> bytes:
    """A feed of ``alerts`` (rows with watch_id, event_id, created_at and a body), newest first; ``updated``: the time
    of a feed with no entry."""
    ET.register_namespace("", NS)
    feed = ET.Element(f"{{{NS}}}feed")
    ET.SubElement(feed, f"{{{NS}}}title").text = "mergerwatch: watched deals"
    ET.SubElement(feed, f"{{{NS}}}id").text = "urn:mergerwatch:alerts:" + re.sub(r"[^\w.-]", "_", store_url)[-80:]
    ET.SubElement(feed, f"{{{NS}}}updated").text = alerts[0].created_at if alerts else updated
    author = ET.SubElement(feed, f"{{{NS}}}author")
    ET.SubElement(author, f"{{{NS}}}name").text = "mergerwatch"
    for r in alerts:
        body = r.body if isinstance(r.body, dict) else json.loads(r.body)
        e = ET.SubElement(feed, f"{{{NS}}}entry")
        ET.SubElement(e, f"{{{NS}}}id").text = f"urn:mergerwatch:alert:{r.watch_id}:{r.event_id}"
        ET.SubElement(e, f"{{{NS}}}title").text = xml_text(body.get("text"))
        ET.SubElement(e, f"{{{NS}}}updated").text = r.created_at
        link = safe_url(body.get("url"))
        if link:
            ET.SubElement(e, f"{{{NS}}}link", href=xml_text(link))
        ET.SubElement(e, f"{{{NS}}}summary").text = xml_text(
            f"{body.get('title')} - {body.get('status_raw')} ({body.get('date')})"
        )
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
